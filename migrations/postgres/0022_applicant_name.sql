-- applicantName (an embed option): who the business says is applying, compared with the account owners' names.
ALTER TABLE signin_session ADD COLUMN applicant_name TEXT;
ALTER TABLE import ADD COLUMN applicant_name TEXT;
