-- Workflow tasks have no outbox row: their workflow_tasks row is the durable record of the message. These columns tell a
-- task whose message the broker confirmed from one that never left (the engine crashed after the commit, the send timed
-- out on a connection the broker dropped): the sweeper sends an unconfirmed one again within seconds, with the same
-- attempt, and a confirmed one only when its answer is overdue (with back-off, `timeouts` counting the overdue sends).
ALTER TABLE workflow_tasks
    ADD COLUMN sent          boolean     NOT NULL DEFAULT false,
    ADD COLUMN dispatched_at timestamptz,
    ADD COLUMN timeouts      int         NOT NULL DEFAULT 0;

CREATE INDEX workflow_tasks_unsent ON workflow_tasks (dispatched_at) WHERE state = 'dispatched' AND NOT sent;
