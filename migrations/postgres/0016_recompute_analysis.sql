-- The analysis now leaves transfers between the applicant's own accounts out of income and spending: stored
-- analyses are computed again from the stored rows when an application is next opened.
UPDATE import SET analysis_json = NULL WHERE analysis_json IS NOT NULL;
