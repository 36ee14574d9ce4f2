namespace Orchestrator.Contracts.Messages;

/// <summary>
/// The RabbitMQ queues between engine and workers, and the exchanges each side publishes into. A queue is declared and
/// consumed by its owner (the engine queue by the engine, the task queues' queues by workers, both with the queue type of
/// <c>Orchestrator:QueueType</c>); the other side only publishes into the queue's <see cref="Inbox"/> exchange, so broker
/// permissions can let it write there without letting it read, declare or delete the queue itself (RabbitMQ permissions
/// match names, not kinds: a queue and an exchange of the same name share them). See docs/operations.md.
/// </summary>
internal static class QueueNames
{
    /// <summary>Where every engine instance takes worker answers from (competing consumers).</summary>
    public const string Engine = "orchestrator-engine";

    /// <summary>The prefix of <see cref="Inbox"/> exchange names.</summary>
    public const string InboxPrefix = "orchestrator-in.";

    /// <summary>The queue of workflow tasks of a task queue.</summary>
    /// <param name="taskQueue">The task queue name.</param>
    /// <returns>The RabbitMQ queue name.</returns>
    public static string WorkflowTasks(string taskQueue) => $"orchestrator-workflow-{taskQueue}";

    /// <summary>The queue of activity tasks of a task queue.</summary>
    /// <param name="taskQueue">The task queue name.</param>
    /// <returns>The RabbitMQ queue name.</returns>
    public static string ActivityTasks(string taskQueue) => $"orchestrator-activity-{taskQueue}";

    /// <summary>The prefix of <see cref="ActivityCancel"/> queue names.</summary>
    public const string ActivityCancelPrefix = "orchestrator-activity-cancel-";

    /// <summary>
    /// A worker process's own queue of <see cref="ActivityCancelMessage"/>s (classic, auto-deleted with the process). Named
    /// under the activity queues' prefix so the broker users' permissions cover it as they are: the worker declares it,
    /// the engine writes to its exchange (of the same name, bound by MassTransit).
    /// </summary>
    /// <param name="workerId">The worker process's id (32 hex digits).</param>
    /// <returns>The RabbitMQ queue name.</returns>
    public static string ActivityCancel(Guid workerId) => ActivityCancelPrefix + workerId.ToString("N");

    /// <summary>Whether <paramref name="queue"/> is a name <see cref="ActivityCancel"/> gives (the engine sends only there).</summary>
    /// <param name="queue">A queue name from a worker's message.</param>
    /// <returns>True for <c>orchestrator-activity-cancel-</c> and 32 lowercase hex digits.</returns>
    public static bool IsActivityCancel(string? queue) =>
        queue is { Length: 61 } q && q.StartsWith(ActivityCancelPrefix, StringComparison.Ordinal) && q.AsSpan(ActivityCancelPrefix.Length).ContainsAnyExcept("0123456789abcdef") == false;

    /// <summary>
    /// The fanout exchange the other side publishes into to reach <paramref name="queue"/>: workers send answers to
    /// <c>Inbox(engine queue)</c> (bound by the engine's receive endpoint), the engine sends tasks to
    /// <c>Inbox(task queue's queue)</c> (declared and bound by the engine before its first send, so tasks wait in the
    /// queue while no worker runs).
    /// </summary>
    /// <param name="queue">The queue name.</param>
    /// <returns>The exchange name.</returns>
    public static string Inbox(string queue) => InboxPrefix + queue;
}
