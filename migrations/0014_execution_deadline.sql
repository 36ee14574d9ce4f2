-- A child workflow's ExecutionTimeout: the end of the whole execution (its retries and continue-as-new runs included).
-- Each run's run-timeout timer fires at the sooner of its own run timeout and this deadline; null = none.
ALTER TABLE workflow_runs ADD COLUMN execution_deadline timestamptz;
