using System.Threading.Channels;
using Orchestrator.Engine.Decider;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Group commit of worker answers: answers that arrive while a transaction is busy wait for the next one, which then
/// applies up to <see cref="EngineSettings.GroupCommitMaxRuns"/> of them, each to its own run, with one lock round trip,
/// one write round trip and one commit (<see cref="RunShell.ExecuteBatchAsync"/>). A lone answer goes alone, as before, so
/// a quiet engine waits for nobody. Runs are spread over <see cref="EngineSettings.GroupCommitWriters"/> writers by run id,
/// so two writers never hold the same run; one batch holds a run once (a second answer for it waits for the next batch).
/// When a batch fails (a conflict with another engine's writer, a deadlock, a bad row), it rolls back whole and every
/// answer of it is applied alone, so one answer's error stays its own.
/// </summary>
internal sealed class GroupCommit : BackgroundService
{
    private readonly RunShell _shell;
    private readonly EngineSettings _settings;
    private readonly ILogger<GroupCommit> _logger;
    private readonly EngineTelemetry _telemetry;
    private readonly Channel<Item>[] _writers;

    private sealed record Item(Guid RunId, RunTrigger Trigger, TaskCompletionSource<RunOutcome> Done);

    public GroupCommit(RunShell shell, EngineSettings settings, EngineTelemetry telemetry, ILogger<GroupCommit> logger)
    {
        (_shell, _settings, _telemetry, _logger) = (shell, settings, telemetry, logger);
        _writers = Enumerable.Range(0, Math.Max(1, settings.GroupCommitWriters))
            .Select(_ => Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true }))
            .ToArray();
    }

    /// <summary>Applies <paramref name="trigger"/> to <paramref name="runId"/>, in a batch with others when others wait.</summary>
    public Task<RunOutcome> ExecuteAsync(Guid runId, RunTrigger trigger)
    {
        if (_settings.GroupCommitMaxRuns <= 1 || !RunShell.CanBatch(trigger))
        {
            return _shell.ExecuteAsync(runId, trigger);
        }
        var item = new Item(runId, trigger, new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        var writer = _writers[(int)((uint)runId.GetHashCode() % (uint)_writers.Length)];
        if (!writer.Writer.TryWrite(item))
        {
            return _shell.ExecuteAsync(runId, trigger); // stopping: alone
        }
        return item.Done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_writers.Select(w => Task.Run(() => WriteLoopAsync(w.Reader, stoppingToken), CancellationToken.None)));

    private async Task WriteLoopAsync(ChannelReader<Item> reader, CancellationToken ct)
    {
        var deferred = new List<Item>();
        var batch = new List<Item>();
        var inBatch = new HashSet<Guid>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                batch.Clear();
                inBatch.Clear();
                // answers put off from the last batch first (in their order), then what waits, up to the limit
                var putOff = deferred.ToList();
                deferred.Clear();
                foreach (var item in putOff)
                {
                    (batch.Count < _settings.GroupCommitMaxRuns && inBatch.Add(item.RunId) ? batch : deferred).Add(item);
                }
                if (batch.Count == 0 && !await reader.WaitToReadAsync(ct))
                {
                    return;
                }
                while (deferred.Count == 0 && batch.Count < _settings.GroupCommitMaxRuns && reader.TryRead(out var next))
                {
                    (inBatch.Add(next.RunId) ? batch : deferred).Add(next);
                }
                await RunBatchAsync(batch);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            // stopping: what is left is not applied; its messages are not acknowledged and come again
            foreach (var item in deferred.Concat(batch))
            {
                item.Done.TrySetCanceled(CancellationToken.None);
            }
            while (reader.TryRead(out var left))
            {
                left.Done.TrySetCanceled(CancellationToken.None);
            }
        }
    }

    private async Task RunBatchAsync(List<Item> batch)
    {
        if (batch.Count == 1)
        {
            await AloneAsync(batch[0]);
            return;
        }
        batch.Sort((a, b) => a.RunId.CompareTo(b.RunId)); // every batch locks in run id order: two batches cannot deadlock on their runs
        IReadOnlyList<RunOutcome> outcomes;
        try
        {
            outcomes = await _shell.ExecuteBatchAsync(batch.Select(i => (i.RunId, i.Trigger)).ToList());
        }
        catch (Exception e)
        {
            Log.GroupCommitFellBack(_logger, batch.Count, e.GetType().Name, e.Message);
            _telemetry.GroupCommitFellBack();
            foreach (var item in batch)
            {
                await AloneAsync(item);
            }
            return;
        }
        _telemetry.GroupCommitted(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(outcomes[i]);
        }
    }

    private async Task AloneAsync(Item item)
    {
        try
        {
            item.Done.TrySetResult(await _shell.ExecuteAsync(item.RunId, item.Trigger));
        }
        catch (Exception e)
        {
            item.Done.TrySetException(e);
        }
    }
}
