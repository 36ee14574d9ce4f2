-- Visibility: search attributes and the indexes of the list query language (docs/visibility.md says why each exists).

-- Registered search attributes. A name is registered once with its type; the type never changes (a run's values were
-- validated against it). Names are checked by the engine (letters, digits, '_', at most 64 characters, not a built-in).
CREATE TABLE search_attributes (
    name        text        PRIMARY KEY,
    type        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT search_attributes_type_check CHECK (type IN ('Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'))
);

-- A run's search attributes: one jsonb object {"Name": value} (strings, numbers, booleans, ISO 8601 UTC times as
-- strings, arrays of strings), NULL when it has none. Written at start and by SearchAttributesUpserted, in the
-- transaction that appends the event. Adding a nullable column without a default rewrites nothing.
ALTER TABLE workflow_runs ADD COLUMN search_attributes jsonb;

-- Equality, IN and KeywordList containment on any attribute (`search_attributes @> '{"CustomerId":"c-17"}'`).
-- jsonb_path_ops: smaller and faster than the default operator class; supports @> only, which is all the compiler emits.
CREATE INDEX workflow_runs_search_attributes ON workflow_runs USING gin (search_attributes jsonb_path_ops);

-- Listing by workflow type, newest first (the list's default order), and by type and status.
CREATE INDEX workflow_runs_by_type ON workflow_runs (workflow_type, started_at DESC, run_id DESC);

-- Runs by close time (CloseTime ranges and ORDER BY CloseTime, either way: open runs sort as the latest; retention can
-- find what is due by it).
CREATE INDEX workflow_runs_by_close ON workflow_runs (closed_at DESC, run_id DESC);

-- Counts by status (GROUP BY ExecutionStatus over every run): with deduplication a few MB for a million runs, read by an
-- index-only scan instead of the table (docs/visibility.md: 440 ms by the table, 140 ms by this index).
CREATE INDEX workflow_runs_status ON workflow_runs (status);
