namespace Orchestrator.Contracts.Api;

/// <summary>What an event does.</summary>
/// <param name="Kind"><c>start</c> a workflow, <c>signal</c> its open run, or <c>signalWithStart</c> (signal it, starting it when it has no open run).</param>
/// <param name="WorkflowType">The workflow type to start (kinds <c>start</c> and <c>signalWithStart</c>).</param>
/// <param name="TaskQueue">Its task queue; default <c>default</c>.</param>
/// <param name="WorkflowId">
/// A template over the event: text with <c>{id}</c>, <c>{source}</c>, <c>{type}</c>, <c>{subject}</c> or <c>{data.path.to.field}</c>
/// placeholders, e.g. <c>order-{data.orderId}</c>. Required for <c>signal</c> and <c>signalWithStart</c>; for <c>start</c>
/// the default is <c>{triggerId}-{id}</c>.
/// </param>
/// <param name="SignalName">The signal (kinds <c>signal</c> and <c>signalWithStart</c>).</param>
/// <param name="Input"><c>data</c> (default): the event's data is the input (or the signal's); <c>event</c>: the whole event as structured CloudEvents JSON.</param>
public sealed record TriggerAction(
    string Kind,
    string? WorkflowType = null,
    string? TaskQueue = null,
    string? WorkflowId = null,
    string? SignalName = null,
    string? Input = null);
