-- A carrier's history without reading every order of it (issue #18): the estimate in
-- status answers and reminders reads the desk's newest FOC confirmations through this
-- index, then their orders by key.
CREATE INDEX timeline_by_event ON timeline (event, id);
