using System.Text.Json;
using MassTransit;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using OrderSample;

namespace Orchestrator.Worker.Tests;

public sealed class WorkflowTaskTests
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task FirstTask_IsAnsweredOnTheEngineQueue_WithScheduleActivity()
    {
        await using var worker = await WorkerFixture.StartAsync();
        var run = new Histories(worker.TaskQueue);

        await worker.SendAsync(run.Task(run.FirstTask()));
        var answer = await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>();

        Assert.Equal(run.RunId, answer.RunId);
        Assert.Equal(2, answer.ScheduledEventId);
        Assert.Equal(1, answer.Attempt);
        Assert.False(string.IsNullOrEmpty(answer.Identity));
        var command = Assert.IsType<ScheduleActivityCommand>(Assert.Single(answer.Commands)); // the polymorphic list survived MassTransit
        Assert.Equal("Charge", command.ActivityName);
        Assert.Equal(JsonValueKind.Array, command.Input.ValueKind);                          // and so did the JsonElement
        Assert.Equal("o-1", command.Input[0].GetString());
        Assert.Equal(42.5m, command.Input[1].GetDecimal());
        Assert.Equal(TimeSpan.FromSeconds(30), command.StartToCloseTimeout);
        Assert.Contains(nameof(ShippingFailedException), command.RetryPolicy!.NonRetryableErrorTypes!);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task SecondTask_ContinuesTheCachedInstance_WithoutFetchingHistory()
    {
        using var engine = new StubEngine(_ => (500, "{}"));
        await using var worker = await WorkerFixture.StartAsync(engine.BaseAddress);
        var run = new Histories(worker.TaskQueue);
        await worker.SendAsync(run.Task(run.FirstTask()));
        var first = await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>();
        var charge = (ScheduleActivityCommand)first.Commands[0];

        await worker.SendAsync(run.Task(run.SecondTask(charge)));
        var second = await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>();

        Assert.Equal(8, second.ScheduledEventId);
        var reserve = Assert.IsType<ScheduleActivityCommand>(Assert.Single(second.Commands));
        Assert.Equal("ReserveStock", reserve.ActivityName);
        Assert.Empty(engine.Requests);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task TaskThatDoesNotFollowOn_FetchesTheHistoryFromTheEngine()
    {
        Histories run;
        IReadOnlyList<HistoryEvent>? full = null;
        using var engine = new StubEngine(request =>
        {
            // two pages, and a later event the worker must ignore
            var events = request.QueryString["pageToken"] is null ? full!.Take(5) : full!.Skip(5);
            var page = new HistoryPage(events.ToList(), request.QueryString["pageToken"] is null ? "p2" : null);
            return (200, JsonSerializer.Serialize(page, HistoryJson.Options));
        });
        await using var worker = await WorkerFixture.StartAsync(engine.BaseAddress);
        run = new Histories(worker.TaskQueue);
        // the first task's command, as the engine would have recorded it
        await worker.SendAsync(run.Task(run.FirstTask()));
        var charge = (ScheduleActivityCommand)(await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>()).Commands[0];
        var later = HistoryJson.CreateEvent(9, EventTypes.WorkflowTaskStarted, DateTimeOffset.UtcNow, new WorkflowTaskStartedAttributes(8));
        full = [.. run.FirstTask(), .. run.SecondTask(charge), later];

        // the same run on a worker that has never seen it: its slice starts at event 3
        await using var cold = await WorkerFixture.StartAsync(engine.BaseAddress);
        var task = run.Task(run.SecondTask(charge)) with { TaskQueue = cold.TaskQueue };
        await cold.SendAsync(task);
        var answer = await cold.NextAnswerAsync<WorkflowTaskCompletedMessage>();

        Assert.Equal("ReserveStock", Assert.IsType<ScheduleActivityCommand>(Assert.Single(answer.Commands)).ActivityName);
        Assert.Equal(
            [
                $"GET /api/v1/workflows/{run.WorkflowId}/history?runId={run.RunId}&pageSize=1000",
                $"GET /api/v1/workflows/{run.WorkflowId}/history?runId={run.RunId}&pageSize=1000&pageToken=p2",
            ],
            engine.Requests);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task UnknownWorkflowType_AnswersWorkflowTaskFailed()
    {
        await using var worker = await WorkerFixture.StartAsync();
        var run = new Histories(worker.TaskQueue);

        await worker.SendAsync(run.Task(run.FirstTask(), workflowType: "NoSuchWorkflow", attempt: 3));
        var answer = await worker.NextAnswerAsync<WorkflowTaskFailedMessage>();

        Assert.Equal(run.RunId, answer.RunId);
        Assert.Equal(3, answer.Attempt);
        Assert.Equal("WorkflowTypeNotRegisteredException", answer.Failure.Type);
        Assert.Contains("NoSuchWorkflow", answer.Failure.Message, StringComparison.Ordinal);
        Assert.Contains(worker.TaskQueue, answer.Failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Answers_WaitInTheDurableEngineQueue_WhileNoEngineListens()
    {
        await using var worker = await WorkerFixture.StartAsync(listen: false);
        await worker.DeclareEngineQueueAsync(); // an engine ran once on this broker, and stopped
        var run = new Histories(worker.TaskQueue);
        // the test sends through a bus of its own that does not consume the engine queue yet
        await SendRawAsync(worker, run.Task(run.FirstTask()));
        await RabbitQueues.WaitForMessagesAsync(worker.Broker, worker.EngineQueue, 1, WorkerFixture.Timeout);

        await worker.ListenAsync();
        var answer = await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>();

        Assert.Equal(run.RunId, answer.RunId);
    }

    private static async Task SendRawAsync(WorkerFixture worker, WorkflowTaskMessage task)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(worker.Broker);
            cfg.OverrideDefaultBusEndpointQueueName($"{worker.EngineQueue}-bus-{Guid.NewGuid():N}");
        });
        using var cts = new CancellationTokenSource(WorkerFixture.Timeout);
        await bus.StartAsync(cts.Token);
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri($"exchange:{QueueNames.WorkflowTasks(worker.TaskQueue)}"));
            await endpoint.Send(task, cts.Token);
        }
        finally
        {
            await bus.StopAsync(cts.Token);
        }
    }
}
