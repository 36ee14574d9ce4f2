using System.Text.Json;
using Npgsql;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Batches;

/// <summary>
/// Works one batch that this engine leased, at most the batch's rate. Each transaction takes the next pending items
/// (<c>FOR UPDATE SKIP LOCKED</c>; a few at high rates, <see cref="ItemsPerTransaction"/>), applies the action to their
/// runs through the run shell (<see cref="RunShell.ApplyInTransactionAsync"/>: the same decider triggers as the REST
/// calls), marks the items, counts them on the batch and renews the lease, then commits: an engine killed before the
/// commit leaves the items pending and the runs as they were; after it, both are done. So every target is acted on once,
/// by whichever engine holds the batch.
/// </summary>
internal sealed class BatchExecutor(BatchStore store, RunShell shell, BatchSettings settings, EngineSettings engine, BatchTelemetry telemetry,
    ILogger<BatchExecutor> logger)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private enum Step
    {
        /// <summary>An item was acted on (done or failed); go on.</summary>
        Acted,
        /// <summary>The item's action threw; it stays pending and is tried again.</summary>
        Retry,
        /// <summary>No pending item is free (all acted on, or the rest locked by another engine's transaction).</summary>
        NoItem,
        /// <summary>The batch is closed (completed or canceled) or another engine took the lease.</summary>
        Stopped,
    }

    /// <summary>Works <paramref name="batch"/> until it is closed, its lease is lost, no item is free, or <paramref name="ct"/> ends.</summary>
    public async Task RunAsync(BatchRecord batch, CancellationToken ct)
    {
        Log.BatchTaken(logger, batch.BatchId, batch.Operation, batch.Done + batch.Failed, batch.Total);
        var trigger = TriggerOf(batch);
        var pacer = new BatchPacer(batch.MaxPerSecond, TimeProvider.System);
        var errors = new Dictionary<long, (int Attempts, string Detail)>();
        var retryDelay = FirstRetryDelay;
        while (!ct.IsCancellationRequested)
        {
            if (pacer.Wait() is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, ct);
            }
            Step step;
            int items;
            try
            {
                (step, items) = await StepAsync(batch, trigger, errors);
                retryDelay = FirstRetryDelay;
            }
            catch (Exception e) when (IsTransient(e) && !ct.IsCancellationRequested)
            {
                Log.BatchStepFailed(logger, e, batch.BatchId, e.Message, retryDelay);
                await Task.Delay(retryDelay, ct);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
                continue;
            }
            switch (step)
            {
                case Step.Acted:
                    pacer.Acted(items);
                    break;
                case Step.Retry:
                    await Task.Delay(retryDelay, ct);
                    retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
                    break;
                case Step.NoItem:
                    await store.CompleteIfDoneAsync(batch.BatchId, engine.UtcNow(), ct);
                    return;
                default:
                    return;
            }
        }
    }

    /// <summary>
    /// How many items one transaction takes at the batch's rate: a twentieth of a second's worth (1 to
    /// <see cref="MaxItemsPerTransaction"/>), so a fast batch does not wait for a commit per run, and a slow one acts run by run.
    /// </summary>
    public static int ItemsPerTransaction(int maxPerSecond) => Math.Clamp(maxPerSecond / 20, 1, MaxItemsPerTransaction);

    /// <summary>Most items one transaction takes.</summary>
    public const int MaxItemsPerTransaction = 25;

    /// <summary>
    /// Items, in one transaction: taken in the batch's order, acted on in run id order (as group commit locks runs), recorded
    /// and counted together. Throws only what <see cref="IsTransient"/> calls transient (the items stay pending). An action
    /// that throws rolls the transaction back; its item is then taken alone until it succeeds or is counted failed.
    /// </summary>
    private async Task<(Step Step, int Items)> StepAsync(BatchRecord batch, RunTrigger trigger, Dictionary<long, (int Attempts, string Detail)> errors)
    {
        var (connection, tx) = await store.BeginAsync(CancellationToken.None);
        await using (connection)
        await using (tx)
        {
            var items = await store.TakeItemsAsync(tx, batch.BatchId, errors.Count > 0 ? 1 : ItemsPerTransaction(batch.MaxPerSecond));
            if (items.Count == 0)
            {
                return (Step.NoItem, 0);
            }
            var acted = new List<(BatchItemRecord Item, RunAction? Action, string? Failure)>(items.Count);
            foreach (var item in items.OrderBy(i => i.RunId))
            {
                if (errors.TryGetValue(item.Seq, out var error) && error.Attempts >= settings.ItemAttempts)
                {
                    Log.BatchItemGaveUp(logger, batch.BatchId, item.WorkflowId, item.Seq, error.Attempts, error.Detail);
                    acted.Add((item, null, $"Acting on the run failed {error.Attempts} times: {error.Detail}"));
                    continue;
                }
                try
                {
                    var action = await shell.ApplyInTransactionAsync(tx, item.RunId, trigger);
                    acted.Add((item, action, Failure(action)));
                }
                catch (Exception e) when (!IsTransient(e))
                {
                    var attempts = (errors.TryGetValue(item.Seq, out var before) ? before.Attempts : 0) + 1;
                    errors[item.Seq] = (attempts, $"{e.GetType().Name}: {e.Message}");
                    Log.BatchItemError(logger, e, batch.BatchId, item.WorkflowId, item.Seq, attempts, settings.ItemAttempts);
                    return (Step.Retry, 0); // rolled back with the dispose: the items stay pending
                }
            }
            var now = engine.UtcNow();
            var count = await store.RecordItemsAsync(tx, batch.BatchId, acted.Select(a => (a.Item.Seq, a.Failure)).ToList(), now, engine.InstanceId,
                now + settings.LeaseDuration);
            if (count is null)
            {
                return (Step.Stopped, 0); // canceled meanwhile: the actions roll back with the items
            }
            await tx.CommitAsync(CancellationToken.None);
            foreach (var (item, action, failure) in acted)
            {
                errors.Remove(item.Seq);
                if (action is not null)
                {
                    await action.AfterCommit();
                }
                telemetry.ItemActed(batch.Operation, failure is not null);
                if (failure is not null)
                {
                    Log.BatchItemFailed(logger, batch.BatchId, item.WorkflowId, item.RunId, failure);
                }
            }
            if (count.State != "Running")
            {
                Log.BatchCompleted(logger, batch.BatchId, count.Done, count.Failed);
                return (Step.Stopped, acted.Count);
            }
            if (count.LeaseOwner != engine.InstanceId)
            {
                Log.BatchLeaseLost(logger, batch.BatchId, count.LeaseOwner);
                return (Step.Stopped, acted.Count);
            }
            return (Step.Acted, acted.Count);
        }
    }

    /// <summary>Why an action is counted failed; null when it is done.</summary>
    private static string? Failure(RunAction action) => action.Outcome switch
    {
        RunActionOutcome.Applied or RunActionOutcome.Unchanged => null,
        RunActionOutcome.Closed => $"The run had closed ({action.Run!.Status}) before the batch reached it.",
        _ => "The run no longer exists.",
    };

    /// <summary>The decider's trigger of the batch's operation, as the REST calls build it.</summary>
    public static RunTrigger TriggerOf(BatchRecord batch) => batch.Operation switch
    {
        BatchRequest.Cancel => new CancelRequestTrigger(batch.Reason),
        BatchRequest.Terminate => new TerminateTrigger(batch.Reason),
        BatchRequest.Signal => new SignalTrigger(batch.SignalName!, batch.Input is null ? null : JsonDocument.Parse(batch.Input).RootElement.Clone()),
        _ => throw new InvalidOperationException($"Batch {batch.BatchId} has an unknown operation '{batch.Operation}'."),
    };

    /// <summary>
    /// PostgreSQL away or busy (a lost connection, a timeout, a deadlock or serialization failure, a server shutting down):
    /// the step is tried again without counting against the item. Anything else that an action throws counts against its item.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.SqlState is "40001" or "40P01" or "55P03" or "57014" or "57P01" or "57P02" or "57P03"
            || p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("53", StringComparison.Ordinal),
        NpgsqlException or TimeoutException => true,
        _ => false,
    };
}
