using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>Delivery of a run's requests to other workflows (signal, cancel): once, in one transaction with its outcome.</summary>
internal sealed partial class RunShell
{
    /// <summary>How often the target's open run is looked up again when it closes into a next run while the delivery locks it.</summary>
    private const int MaxTargetLookups = 8;

    /// <summary>
    /// Delivers request <paramref name="seq"/> of run <paramref name="runId"/>, in one transaction: the request row is
    /// taken (locked, skipped when another engine holds it), the requesting run and the target's open run are locked in run
    /// id order, the target gets its signal or cancel request (the decider's <see cref="SignalTrigger"/> /
    /// <see cref="CancelRequestTrigger"/>), the requesting run gets the outcome (<see cref="ExternalRequestDoneTrigger"/>),
    /// and the row is deleted. A crash before the commit leaves the row for the next look; after it, nothing is left to
    /// do: the request is delivered once. False when there was nothing to deliver.
    /// </summary>
    public async Task<bool> DeliverExternalAsync(Guid runId, int seq)
    {
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            if (await externalRequests.TakeAsync(tx, runId, seq) is not { } request)
            {
                return false;
            }
            var written = new Written();
            var trigger = RunDecider.TargetTrigger(request.Kind, request.SignalName, request.Input, request.Reason);
            var target = await LockTargetAsync(tx, request, trigger);
            FailureInfo? failure = null;
            if (target is null)
            {
                failure = RunDecider.NotFound(request.Kind, request.TargetWorkflowId);
                Log.ExternalRequestTargetNotFound(logger, runId, seq, request.Kind, request.TargetWorkflowId);
            }
            else
            {
                await DecideAndWriteAsync(tx, target, trigger, written);
                Log.ExternalRequestDelivered(logger, runId, seq, request.Kind, request.TargetWorkflowId);
            }
            var done = new ExternalRequestDoneTrigger(seq, request.Kind, target?.Run.RunId, failure);
            if (await ReadSnapshotAsync(tx, runId, done) is { } requester)
            {
                await DecideAndWriteAsync(tx, requester, done, written);
            }
            await externalRequests.DeleteAsync(tx, runId, seq);
            await tx.CommitAsync();
            AfterCommit(written);
            return true;
        }
    }

    /// <summary>
    /// The target's open run, locked together with the requesting run (in run id order), as a snapshot for the target's
    /// trigger; null when the target has no open run. A run that closed into a next one meanwhile is followed.
    /// </summary>
    private async Task<RunSnapshot?> LockTargetAsync(NpgsqlTransaction tx, ExternalRequestRecord request, RunTrigger trigger)
    {
        for (var lookup = 0; lookup < MaxTargetLookups; lookup++)
        {
            if (await externalRequests.OpenRunOfAsync(tx, request.TargetWorkflowId) is not { } targetRunId)
            {
                return null;
            }
            await externalRequests.LockRunsAsync(tx, targetRunId == request.RunId ? [targetRunId] : [request.RunId, targetRunId]);
            if (await ReadSnapshotAsync(tx, targetRunId, trigger) is { Run.Status: RunStatus.Running } target)
            {
                return target;
            }
        }
        throw new InvalidOperationException($"The open run of workflow '{request.TargetWorkflowId}' kept closing while request {request.Seq} of run {request.RunId} was delivered.");
    }

    private async Task DecideAndWriteAsync(NpgsqlTransaction tx, RunSnapshot snapshot, RunTrigger trigger, Written written)
    {
        var effects = RunDecider.Decide(snapshot, trigger, new DecisionContext(settings.UtcNow(), settings));
        LogNotes(snapshot.Run, effects);
        if (!effects.IsEmpty)
        {
            await WriteAsync(tx, snapshot, trigger.Needs, effects, written);
        }
    }
}
