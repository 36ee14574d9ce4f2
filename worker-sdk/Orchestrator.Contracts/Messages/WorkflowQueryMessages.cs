using System.Text.Json;

namespace Orchestrator.Contracts.Messages;

/// <summary>
/// Engine → worker (queue <see cref="QueueNames.WorkflowTasks"/>, beside the workflow tasks): answer a query on a run from
/// its history, without recording anything. The worker replays the run's history (fetched from the engine) and calls the
/// query method on the replayed workflow.
/// </summary>
/// <param name="QueryId">Names the query; the answer carries it back.</param>
/// <param name="RunId">The run.</param>
/// <param name="WorkflowId">The run's workflow id.</param>
/// <param name="WorkflowType">The workflow type name.</param>
/// <param name="QueryName">The query's name.</param>
/// <param name="Argument">The query's argument (null for none).</param>
/// <param name="ReplyTo">The queue of the engine that waits for the answer; the worker sends into its inbox exchange.</param>
/// <param name="LastEventId">The run's last event id when the query was sent: the worker replays the history up to it.</param>
/// <param name="Pending">
/// The events the run received after <paramref name="LastEventId"/> while a workflow task was in flight (buffered, not yet
/// in history; their <c>EventId</c> is 0): the worker applies them after the history, so the query sees every signal the
/// engine took.
/// </param>
internal sealed record WorkflowQueryMessage(Guid QueryId, Guid RunId, string WorkflowId, string WorkflowType, string QueryName, JsonElement? Argument, string ReplyTo,
    long LastEventId = 0, IReadOnlyList<History.HistoryEvent>? Pending = null)
{
    /// <summary>
    /// The reserved query name of an update's validation: the worker replays the run as for a query, then checks the update
    /// named in the <see cref="UpdateValidationArgument"/> (it exists, its argument fits, its validator passes) without
    /// recording anything. The answer has no result when the update may be accepted, else a failure of type
    /// <see cref="WorkflowQueryAnswerMessage.UnknownUpdate"/> or <see cref="WorkflowQueryAnswerMessage.UpdateRejected"/>.
    /// </summary>
    public const string ValidateUpdate = "__validate_update";
}

/// <summary>The argument of a <see cref="WorkflowQueryMessage.ValidateUpdate"/> query.</summary>
/// <param name="UpdateId">The update's id.</param>
/// <param name="Name">The update's name.</param>
/// <param name="Input">The update's argument (null for none).</param>
internal sealed record UpdateValidationArgument(string UpdateId, string Name, JsonElement? Input);

/// <summary>Worker → engine (the <see cref="WorkflowQueryMessage.ReplyTo"/> queue's inbox): the answer to a query.</summary>
/// <param name="QueryId">The query answered.</param>
/// <param name="Result">The query method's result as JSON, when it returned.</param>
/// <param name="Failure">Why there is no result: the query is unknown (type <see cref="UnknownQuery"/>), it threw, or the run could not be replayed.</param>
/// <param name="KnownQueries">The workflow's query names, when the query is unknown.</param>
/// <param name="Identity">The worker that answered.</param>
internal sealed record WorkflowQueryAnswerMessage(Guid QueryId, JsonElement? Result, FailureInfo? Failure, IReadOnlyList<string>? KnownQueries, string Identity)
{
    /// <summary>The failure type of a query the workflow does not have.</summary>
    public const string UnknownQuery = "UnknownQuery";

    /// <summary>The failure type of an update the workflow does not have (<see cref="KnownQueries"/> then lists its updates).</summary>
    public const string UnknownUpdate = "UnknownUpdate";

    /// <summary>The failure type of an update its validator rejected, or whose argument does not fit (the message says why).</summary>
    public const string UpdateRejected = "UpdateRejected";
}
