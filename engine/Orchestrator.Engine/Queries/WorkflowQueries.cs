using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Broker;
using Orchestrator.Engine.Dispatch;

namespace Orchestrator.Engine.Queries;

/// <summary>
/// Queries in flight from this engine: each is sent to its run's workflow task queue (any worker there replays the run and
/// answers) and waits for the answer on this engine's own reply queue, <see cref="ReplyQueue"/> (auto-deleted with the
/// process), whose inbox exchange the workers send into. Nothing is stored: a query that gets no answer in its time is
/// given up, and its message expires from the task queue at the same time.
/// </summary>
internal sealed class WorkflowQueries(EngineOptions options, EngineSettings settings, Persistence.DispatchStore store, IServiceProvider services)
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<WorkflowQueryAnswerMessage>> _waiting = new();

    /// <summary>This engine process's reply queue (named so the engine's and the workers' broker users may use it and its inbox).</summary>
    public string ReplyQueue { get; } = $"{options.EngineQueue}-reply-{settings.InstanceId}";

    /// <summary>Sends the query and waits up to <paramref name="timeout"/> for a worker's answer; null when none came.</summary>
    public async Task<WorkflowQueryAnswerMessage?> AskAsync(Persistence.WorkflowRunRecord run, string queryName, JsonElement? argument, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var queryId = NewId.NextGuid();
        var answer = new TaskCompletionSource<WorkflowQueryAnswerMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[queryId] = answer;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            // the history's end and what is buffered after it, as of one moment: the worker replays both, nothing twice
            if (await store.ReadQuerySnapshotAsync(run.RunId, deadline.Token) is not { } snapshot)
            {
                return null;
            }
            var pending = snapshot.Buffered.Select(b => Decider.TaskMessages.ToHistoryEvent(0, b.EventType, b.OccurredAt ?? DateTime.UtcNow, b.AttributesJson)).ToList();
            var bus = services.GetRequiredService<IBus>();
            var endpoint = await bus.GetSendEndpoint(DispatchTopology.SendAddress(QueueNames.WorkflowTasks(run.TaskQueue)));
            var message = new WorkflowQueryMessage(queryId, run.RunId, run.WorkflowId, run.WorkflowType, queryName, argument, ReplyQueue,
                snapshot.LastEventId, pending.Count == 0 ? null : pending);
            await endpoint.Send(message, c => c.TimeToLive = timeout, deadline.Token);
            return await answer.Task.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // the query's time ran out (sending, or waiting for an answer)
        }
        finally
        {
            _waiting.TryRemove(queryId, out _);
        }
    }

    /// <summary>Hands a worker's answer to the query waiting for it (an answer that comes after its time is dropped).</summary>
    public Task AnswerAsync(ConsumeContext<WorkflowQueryAnswerMessage> context)
    {
        if (_waiting.TryGetValue(context.Message.QueryId, out var waiting))
        {
            waiting.TrySetResult(context.Message);
        }
        return Task.CompletedTask;
    }
}
