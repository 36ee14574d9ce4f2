-- An event buffered while a workflow task was in flight may carry the time it happened (an activity attempt's start,
-- as the worker reported it): it is appended with that timestamp. NULL: the time it is appended to the history.
ALTER TABLE buffered_events ADD COLUMN occurred_at timestamptz;
