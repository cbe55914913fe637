-- Each reply keeps the analysis it was given, so sessions replay as they were played.
ALTER TABLE events ADD COLUMN analysis TEXT;
