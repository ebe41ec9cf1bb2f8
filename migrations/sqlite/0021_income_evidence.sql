-- Regular income now carries its payments and their sum, which its evidence link lists: stored analyses are
-- computed again from the stored rows when an application is next opened.
UPDATE import SET analysis_json = NULL WHERE analysis_json IS NOT NULL;
