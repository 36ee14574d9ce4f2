-- A visibility bench database: 1,000,000 closed and 10,000 open runs with search attributes, generated with plain SQL.
-- 20 workflow types, 5 task queues, 100,000 customers (about 10 runs each), runs started over 60 days.
INSERT INTO search_attributes (name, type) VALUES
    ('CustomerId', 'Keyword'), ('Stage', 'Keyword'), ('Region', 'Keyword'), ('Amount', 'Double'), ('Items', 'Int'), ('Vip', 'Bool');

INSERT INTO workflow_runs (run_id, workflow_id, workflow_type, task_queue, status, started_at, closed_at, next_event_id, search_attributes)
SELECT gen_random_uuid(),
       'order-' || i,
       'Type' || (i % 20),
       'queue-' || (i % 5),
       CASE WHEN i <= 1000000 THEN (ARRAY['Completed', 'Completed', 'Completed', 'Completed', 'Failed', 'Canceled', 'Terminated', 'TimedOut'])[1 + i % 8]
            ELSE 'Running' END,
       t.started,
       CASE WHEN i <= 1000000 THEN t.started + make_interval(secs => 1 + (i * 7919) % 86400) END,
       5 + (i * 31) % 200,
       jsonb_build_object(
           'CustomerId', 'c-' || ((i * 7) % 100000),
           'Stage', (ARRAY['new', 'paid', 'packed', 'shipped', 'delivered', 'returned'])[1 + i % 6],
           'Region', 'r-' || (i % 10),
           'Amount', ((i * 13) % 100000) / 100.0,
           'Items', 1 + i % 9,
           'Vip', i % 17 = 0)
FROM generate_series(1::bigint, 1010000) AS i,
     LATERAL (SELECT timestamptz '2026-10-01 00:00:00Z' + make_interval(secs => (i::double precision / 1010000) * 60 * 86400) AS started) AS t;

VACUUM ANALYZE workflow_runs;
