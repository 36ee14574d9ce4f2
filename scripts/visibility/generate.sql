-- A visibility bench database: 1,000,000 closed and 10,000 open runs with search attributes, generated with plain SQL.
-- 20 workflow types, 5 task queues, 100,000 customers (about 10 runs each), runs started over 60 days.
-- The counts are psql variables (closed, open, customers) with these defaults; the bench harness (./bench.sh --only
-- visibility, bench/Orchestrator.Bench/Harness.Visibility.cs) reads this file, drops the backslash lines and puts its own
-- numbers in their place (smaller ones in a quick run).
\if :{?closed} \else \set closed 1000000 \endif
\if :{?open} \else \set open 10000 \endif
\if :{?customers} \else \set customers 100000 \endif
INSERT INTO search_attributes (name, type) VALUES
    ('CustomerId', 'Keyword'), ('Stage', 'Keyword'), ('Region', 'Keyword'), ('Amount', 'Double'), ('Items', 'Int'), ('Vip', 'Bool');

INSERT INTO workflow_runs (run_id, workflow_id, workflow_type, task_queue, status, started_at, closed_at, next_event_id, search_attributes)
SELECT gen_random_uuid(),
       'order-' || i,
       'Type' || (i % 20),
       'queue-' || (i % 5),
       CASE WHEN i <= :closed THEN (ARRAY['Completed', 'Completed', 'Completed', 'Completed', 'Failed', 'Canceled', 'Terminated', 'TimedOut'])[1 + i % 8]
            ELSE 'Running' END,
       t.started,
       CASE WHEN i <= :closed THEN t.started + make_interval(secs => 1 + (i * 7919) % 86400) END,
       5 + (i * 31) % 200,
       jsonb_build_object(
           'CustomerId', 'c-' || ((i * 7) % :customers),
           'Stage', (ARRAY['new', 'paid', 'packed', 'shipped', 'delivered', 'returned'])[1 + i % 6],
           'Region', 'r-' || (i % 10),
           'Amount', ((i * 13) % 100000) / 100.0,
           'Items', 1 + i % 9,
           'Vip', i % 17 = 0)
FROM generate_series(1::bigint, :closed + :open) AS i,
     LATERAL (SELECT timestamptz '2026-10-01 00:00:00Z' + make_interval(secs => (i::double precision / (:closed + :open)) * 60 * 86400) AS started) AS t;

VACUUM ANALYZE workflow_runs;
