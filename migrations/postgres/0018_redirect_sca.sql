-- Redirect SCA (PSD2 banks): the unguessable `state` of Insight's return URL, the bank's page the applicant is
-- sent to (a second click reopens it), and the code a session failed with, for the widget that waits.
ALTER TABLE signin_session ADD COLUMN redirect_state TEXT;
ALTER TABLE signin_session ADD COLUMN redirect_url TEXT;
ALTER TABLE signin_session ADD COLUMN error_code TEXT;
CREATE UNIQUE INDEX signin_session_redirect_state_idx ON signin_session (redirect_state);
