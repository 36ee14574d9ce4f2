using System.Diagnostics.Metrics;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using StartWorkflowRequest = Orchestrator.Engine.Dispatch.StartWorkflowRequest;

namespace Orchestrator.Engine.Triggers;

/// <summary>
/// Triggers: their definitions, and what an event does with each trigger it matches. An event's action commits with its
/// claim (<see cref="TriggerStore.ClaimAsync"/>, primary key trigger + source + id) in one transaction, so an event
/// delivered twice, or by two engines at once, starts or signals once; a crash before the commit leaves neither.
/// </summary>
internal sealed class TriggerService(HistoryStore history, DispatchStore dispatch, TriggerStore store, RunShell shell, EngineSettings settings,
    ILogger<TriggerService> logger)
{
    public const string Started = "started";
    public const string Signaled = "signaled";
    public const string Deduplicated = "deduplicated";
    public const string DeadLettered = "deadLettered";

    private static readonly Meter Meter = new(EngineTelemetry.Name);
    private static readonly Counter<long> Events = Meter.CreateCounter<long>("orchestrator.trigger.events",
        description: "Events taken by triggers, by outcome (started, signaled, deduplicated, deadLettered, unmatched)");

    public Task<bool> CreateAsync(ValidTrigger trigger) => store.InsertAsync(trigger.Key(), settings.UtcNow());

    public Task<bool> UpdateAsync(ValidTrigger trigger) => store.UpdateAsync(trigger.Key(), settings.UtcNow());

    public Task<bool> DeleteAsync(string triggerId) => store.DeleteAsync(triggerId);

    public async Task<TriggerDescription?> DescribeAsync(string triggerId, CancellationToken ct) =>
        await store.GetAsync(triggerId, ct) is { } row ? Describe(row) : null;

    /// <summary>A page by id; <see cref="TriggerListPage.NextPageToken"/> is the last id (the endpoint encodes it) when more may follow.</summary>
    public async Task<TriggerListPage> ListAsync(string? after, int size, CancellationToken ct)
    {
        var rows = await store.ListAsync(after, size + 1, ct);
        var page = rows.Take(size).Select(Describe).ToList();
        return new TriggerListPage(page, rows.Count > size ? page[^1].TriggerId : null);
    }

    /// <summary>The triggers of <paramref name="sourceKind"/> that <paramref name="e"/> matches, by id.</summary>
    public async Task<IReadOnlyList<ValidTrigger>> MatchAsync(string sourceKind, IncomingEvent e, CancellationToken ct) =>
        (await MatchAsync(sourceKind, e, [e.Type], ct)).Select(m => m.Trigger).ToList();

    /// <summary>
    /// The triggers of <paramref name="sourceKind"/> that <paramref name="e"/> matches by any of <paramref name="types"/> (a
    /// MassTransit message's every message type), by id, each with the event as it matched (its <c>type</c> the one matched).
    /// </summary>
    public async Task<IReadOnlyList<(ValidTrigger Trigger, IncomingEvent Event)>> MatchAsync(string sourceKind, IncomingEvent e, IReadOnlyList<string> types,
        CancellationToken ct)
    {
        var matched = (await store.MatchAsync(sourceKind, types, e.Source, ct))
            .Select(m => (ValidTrigger.Read(m.Definition), m.EventType == e.Type ? e : e with { Type = m.EventType })).ToList();
        if (matched.Count == 0)
        {
            Events.Add(1, new KeyValuePair<string, object?>("outcome", "unmatched"));
        }
        return matched;
    }

    /// <summary>Acts on <paramref name="e"/> for <paramref name="trigger"/>: starts or signals at most once per event, or says why it could not.</summary>
    public async Task<EventDelivery> DeliverAsync(ValidTrigger trigger, IncomingEvent e)
    {
        var action = trigger.Action;
        if (WorkflowIdTemplate.Fill(action.WorkflowId!, trigger.TriggerId, e, out var templateError) is not { } workflowId)
        {
            return await DeadLetterAsync(trigger, e, templateError!);
        }
        if (Api.ApiLimits.CheckWorkflowId(workflowId) is { } idError)
        {
            return await DeadLetterAsync(trigger, e, $"the workflow id the template '{action.WorkflowId}' gave is not valid: {idError}");
        }
        var input = action.Input == ValidTrigger.Kinds.InputEvent ? e.Whole : e.Data;
        Task Claim(Npgsql.NpgsqlTransaction tx) => store.ClaimAsync(tx, trigger.TriggerId, e.Source, e.Id, workflowId, settings.UtcNow());
        var start = new StartWorkflowRequest(action.WorkflowType ?? "", workflowId, action.TaskQueue, input);
        try
        {
            switch (action.Kind)
            {
                case ValidTrigger.Kinds.Signal:
                    if (await shell.ExecuteOnOpenRunAsync(workflowId, new SignalTrigger(action.SignalName!, input), Claim) == RunOutcome.NoRun)
                    {
                        return await DeadLetterAsync(trigger, e, $"workflow '{workflowId}' has no open run to signal");
                    }
                    return Delivered(trigger, e, Signaled, workflowId, null);
                case ValidTrigger.Kinds.SignalWithStart:
                    var (run, started) = await shell.SignalWithStartAsync(start, new SignalTrigger(action.SignalName!, input), Claim);
                    return Delivered(trigger, e, started ? Started : Signaled, workflowId, run.RunId);
                default:
                    return await StartAsync(trigger, e, start, Claim);
            }
        }
        catch (EventAlreadyClaimedException)
        {
            await store.CountDeduplicatedAsync(trigger.TriggerId);
            Events.Add(1, new KeyValuePair<string, object?>("outcome", Deduplicated));
            Log.TriggerEventDeduplicated(logger, trigger.TriggerId, e.Source, e.Id);
            return new EventDelivery(trigger.TriggerId, Deduplicated, workflowId);
        }
        catch (WorkflowAlreadyRunningException)
        {
            return await DeadLetterAsync(trigger, e, $"workflow '{workflowId}' already has an open run");
        }
    }

    private async Task<EventDelivery> StartAsync(ValidTrigger trigger, IncomingEvent e, StartWorkflowRequest start, Func<Npgsql.NpgsqlTransaction, Task> claim)
    {
        Action afterCommit;
        Guid runId;
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            await claim(tx);
            if ((await dispatch.OpenWorkflowIdsAsync(tx, [start.WorkflowId!])).Count > 0)
            {
                throw new WorkflowAlreadyRunningException(start.WorkflowId!);
            }
            var (run, after) = await shell.StartInTransactionAsync(tx, start);
            await tx.CommitAsync();
            (afterCommit, runId) = (after, run.RunId);
        }
        afterCommit();
        return Delivered(trigger, e, Started, start.WorkflowId!, runId);
    }

    private EventDelivery Delivered(ValidTrigger trigger, IncomingEvent e, string outcome, string workflowId, Guid? runId)
    {
        Events.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        Log.TriggerEventDelivered(logger, trigger.TriggerId, e.Source, e.Id, outcome, workflowId);
        return new EventDelivery(trigger.TriggerId, outcome, workflowId, runId?.ToString());
    }

    /// <summary>Counts an event the trigger matched but could not act on, with the reason (on the trigger's stats and in the log).</summary>
    public async Task<EventDelivery> DeadLetterAsync(ValidTrigger trigger, IncomingEvent e, string reason)
    {
        await store.CountDeadLetteredAsync(trigger.TriggerId, reason, settings.UtcNow());
        Events.Add(1, new KeyValuePair<string, object?>("outcome", DeadLettered));
        Log.TriggerEventDeadLettered(logger, trigger.TriggerId, e.Source, e.Id, reason);
        return new EventDelivery(trigger.TriggerId, DeadLettered, Reason: reason);
    }

    private static TriggerDescription Describe(TriggerRow row)
    {
        var t = ValidTrigger.Read(row.Definition);
        return new TriggerDescription(row.TriggerId, t.Source, t.Action, t.Webhook,
            new TriggerStats(row.Delivered, row.Deduplicated, row.DeadLettered, row.LastError, row.LastErrorAt), row.CreatedAt, row.UpdatedAt);
    }
}
