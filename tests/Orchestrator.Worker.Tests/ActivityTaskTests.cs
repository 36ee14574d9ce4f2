using System.Text.Json;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.Worker.Tests;

public sealed class ActivityTaskTests
{
    private static ActivityTaskMessage Task(string name, object?[] input, TimeSpan? startToClose = null, TimeSpan? heartbeatTimeout = null, int attempt = 1, string workflowId = "order-1") =>
        new(Guid.NewGuid(), workflowId, 5, attempt, name, "ignored", JsonSerializer.SerializeToElement(input, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            startToClose ?? TimeSpan.FromSeconds(30), heartbeatTimeout, null, null);

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Attempt_IsAnsweredWithTheResult()
    {
        await using var worker = await WorkerFixture.StartAsync();
        var task = Task("Charge", ["o-1", 42.5m, null], attempt: 2);

        await worker.SendAsync(task);
        var answer = await worker.NextAnswerAsync<ActivityTaskCompletedMessage>();

        Assert.Equal(task.RunId, answer.RunId);
        Assert.Equal(5, answer.ScheduledEventId);
        Assert.Equal(2, answer.Attempt);
        Assert.Equal("rcpt-o-1", answer.Result!.Value.GetString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Attempt_ThatThrows_IsAnsweredWithTheExceptionClassName()
    {
        await using var worker = await WorkerFixture.StartAsync();
        var task = Task("Ship", ["o-1", "ship"]);

        await worker.SendAsync(task);
        var answer = await worker.NextAnswerAsync<ActivityTaskFailedMessage>();

        Assert.Equal(task.RunId, answer.RunId);
        Assert.Equal("ShippingFailedException", answer.Failure.Type);
        Assert.Contains("o-1", answer.Failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Attempt_PastItsStartToCloseTimeout_IsCancelled()
    {
        await using var worker = await WorkerFixture.StartAsync();

        await worker.SendAsync(Task("WaitForCancellation", [], startToClose: TimeSpan.FromMilliseconds(200)));
        var answer = await worker.NextAnswerAsync<ActivityTaskFailedMessage>();

        Assert.Equal("TaskCanceledException", answer.Failure.Type);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Heartbeats_ReachTheEngineQueue_ThrottledWithTheLatestDetails()
    {
        await using var worker = await WorkerFixture.StartAsync();
        // heartbeat timeout 1 s: at most one heartbeat per 400 ms; the activity beats 1, 2, 3 at once, then works 700 ms
        var task = Task("Progress", [3, 700], heartbeatTimeout: TimeSpan.FromSeconds(1));

        await worker.SendAsync(task);
        var first = await worker.NextAnswerAsync<ActivityHeartbeatMessage>();
        var later = new List<int>();
        object next;
        while ((next = await worker.NextAnswerAsync()) is ActivityHeartbeatMessage beat)
        {
            later.Add(beat.Details!.Value.GetInt32());
        }
        var done = Assert.IsType<ActivityTaskCompletedMessage>(next);

        Assert.Equal((task.RunId, 5L, 1), (first.RunId, first.ScheduledEventId, first.Attempt));
        Assert.Equal(1, first.Details!.Value.GetInt32());
        // the rest are held back and the latest wins: normally just 3 (2 superseded) about 400 ms later; on a loaded machine
        // the first send can outlast the window (2 goes out, then 3) or the activity can end first (what is still held back
        // is dropped: the result supersedes it), but never more beats than calls, never out of order, never a stale one
        Assert.InRange(later.Count, 0, 2);
        Assert.All(later, d => Assert.InRange(d, 2, 3));
        Assert.Equal(later.Distinct().Order(), later);
        Assert.Equal(3, done.Result!.Value.GetInt32());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task UnknownActivity_IsAnsweredWithAFailure()
    {
        await using var worker = await WorkerFixture.StartAsync();

        await worker.SendAsync(Task("NoSuchActivity", []));
        var answer = await worker.NextAnswerAsync<ActivityTaskFailedMessage>();

        Assert.Equal("ActivityNotRegisteredException", answer.Failure.Type);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Shutdown_InterruptsTheAttempt_AndHandsItsMessageBackToTheBroker()
    {
        var worker = await WorkerFixture.StartAsync(configure: o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300));
        var workflowId = "shutdown-" + Guid.NewGuid().ToString("N");
        var started = TestActivities.Started.GetOrAdd(workflowId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await worker.SendAsync(Task("WaitForCancellation", [], startToClose: TimeSpan.FromMinutes(5), workflowId: workflowId));
            await started.Task.WaitAsync(WorkerFixture.Timeout);

            using var cts = new CancellationTokenSource(WorkerFixture.Timeout);
            await worker.Host.StopAsync(cts.Token);

            await RabbitQueues.WaitForMessagesAsync(worker.Broker, QueueNames.ActivityTasks(worker.TaskQueue), 1, WorkerFixture.Timeout);
            Assert.False(worker.TryTakeAnswer(out var answer), $"unexpected answer {answer}");
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }
}
