-- The documented query shapes, as QuerySqlCompiler writes them (values inlined here; the engine sends them as parameters).
-- Columns: the list selects every run column; the page size is 50 (+1 to know whether a next page exists).
\set cols 'run_id, workflow_id, workflow_type, task_queue, status, input::text AS input, result::text AS result, failure::text AS failure, started_at, closed_at, previous_run_id, next_run_id, parent_workflow_id, parent_run_id, trace_parent, cancel_requested, next_event_id, parent_seq, parent_close_policy, parent_notified, run_timeout, retry_policy::text AS retry_policy, attempt, search_attributes::text AS search_attributes'

\echo '### 1. CustomerId = ''c-7'' AND ExecutionStatus = ''Running'' (selective: an attribute and a status)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM workflow_runs WHERE ((search_attributes @> '{"CustomerId":"c-7"}'::jsonb) AND (status = 'Running')) AND TRUE ORDER BY started_at DESC, run_id DESC LIMIT 51;

\echo '### 2. CustomerId = ''c-17'' (every run of a customer, newest first)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM workflow_runs WHERE (search_attributes @> '{"CustomerId":"c-17"}'::jsonb) AND TRUE ORDER BY started_at DESC, run_id DESC LIMIT 51;

\echo '### 3. WorkflowType = ''Type7'' (newest first)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM workflow_runs WHERE (workflow_type = 'Type7') AND TRUE ORDER BY started_at DESC, run_id DESC LIMIT 51;

\echo '### 4. WorkflowType = ''Type7'' AND ExecutionStatus = ''Running'''
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM workflow_runs WHERE ((workflow_type = 'Type7') AND (status = 'Running')) AND TRUE ORDER BY started_at DESC, run_id DESC LIMIT 51;

\echo '### 5. Next page of 3 (keyset after the 51st row of the first page)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM workflow_runs WHERE (workflow_type = 'Type7') AND ((started_at, run_id) < ('2026-11-15T00:00:00.000000Z'::timestamptz, '00000000-0000-0000-0000-000000000000')) ORDER BY started_at DESC, run_id DESC LIMIT 51;

\echo '### 6. StartTime > ''2026-11-29T00:00:00Z'' AND ExecutionStatus = ''Failed'''
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM workflow_runs WHERE ((started_at > '2026-11-29T00:00:00Z') AND (status = 'Failed')) AND TRUE ORDER BY started_at DESC, run_id DESC LIMIT 51;

\echo '### 7. CloseTime BETWEEN ''2026-11-01T00:00:00Z'' AND ''2026-11-02T00:00:00Z'' ORDER BY CloseTime DESC'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM workflow_runs WHERE (closed_at BETWEEN '2026-11-01T00:00:00Z' AND '2026-11-02T00:00:00Z') AND TRUE ORDER BY closed_at DESC, run_id DESC LIMIT 51;

\echo '### 8. Amount > 990 AND ExecutionStatus = ''Running'' (a range on an attribute: no index of its own)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM workflow_runs WHERE ((((search_attributes ->> 'Amount')::numeric) > 990) AND (status = 'Running')) AND TRUE ORDER BY started_at DESC, run_id DESC LIMIT 51;

\echo '### 9. Region IN (''r-3'', ''r-4'') AND Stage = ''returned'' AND WorkflowType = ''Type3'''
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT :cols FROM workflow_runs WHERE (((search_attributes @> '{"Region":"r-3"}'::jsonb OR search_attributes @> '{"Region":"r-4"}'::jsonb) AND (search_attributes @> '{"Stage":"returned"}'::jsonb)) AND (workflow_type = 'Type3')) AND TRUE ORDER BY started_at DESC, run_id DESC LIMIT 51;

\echo '### 10. count, groupBy=ExecutionStatus (every run)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT (status)::text AS value, count(*) AS count FROM workflow_runs WHERE TRUE GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1000;

\echo '### 11. count of WorkflowType = ''Type7'''
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT count(*) FROM workflow_runs WHERE (workflow_type = 'Type7');

\echo '### 12. count of ExecutionStatus = ''Running'', groupBy=Stage'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT ((search_attributes ->> 'Stage'))::text AS value, count(*) AS count FROM workflow_runs WHERE (status = 'Running') GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1000;
