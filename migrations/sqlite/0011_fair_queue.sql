-- Workers take jobs round-robin across organisations: the one whose turn came longest ago goes first.
ALTER TABLE organisation ADD COLUMN import_turn_at BIGINT NOT NULL DEFAULT 0;
