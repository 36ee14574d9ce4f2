using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Contracts.Messages;
using Orchestrator.Messaging;
using Orchestrator.Sdk.Hosting;

namespace Orchestrator.Worker.Tests;

/// <summary>
/// The worker's check that its task queues still have a consumer at the broker, and the new bus it starts when one is
/// lost (a consumer MassTransit lost in a broker restart without noticing: CrashTests.RabbitMqStoppedForTenSecondsMidRun).
/// </summary>
public sealed class ConsumerWatchdogTests
{
    private static WorkerHost HostOf(WorkerFixture worker) => worker.Host.Services.GetServices<IHostedService>().OfType<WorkerHost>().Single();

    private static ActivityTaskMessage Charge() =>
        new(Guid.NewGuid(), "order-1", 5, 1, "Charge", "ignored", JsonSerializer.SerializeToElement(new object?[] { "o-1", 42.5m, null }, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            TimeSpan.FromSeconds(30), null, null, null);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + WorkerFixture.Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Broker_CountsTheWorkersConsumers_AndAMissingQueueIsUnknown()
    {
        await using var worker = await WorkerFixture.StartAsync(listen: false);
        var watchdog = HostOf(worker).Watchdog!;
        var workflowQueue = QueueNames.WorkflowTasks(worker.TaskQueue);

        await WaitUntilAsync(async () => await watchdog.CountConsumersAsync(workflowQueue, CancellationToken.None) == 1, "the workflow queue has one consumer");
        Assert.Equal(1u, await watchdog.CountConsumersAsync(QueueNames.ActivityTasks(worker.TaskQueue), CancellationToken.None));
        Assert.Null(await watchdog.CountConsumersAsync("orchestrator-workflow-no-such-queue-" + Guid.NewGuid().ToString("N"), CancellationToken.None));
        Assert.Equal(1u, await watchdog.CountConsumersAsync(workflowQueue, CancellationToken.None)); // the check goes on after an error
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task QueueWithoutConsumer_ForThreeChecksInARow_GetsANewBus_AndTasksAreStillAnswered()
    {
        await using var worker = await WorkerFixture.StartAsync(configure: o => o.ConsumerCheckInterval = TimeSpan.FromMilliseconds(200));
        var host = HostOf(worker);
        var watchdog = host.Watchdog!;
        var workflowQueue = QueueNames.WorkflowTasks(worker.TaskQueue);
        var activityQueue = QueueNames.ActivityTasks(worker.TaskQueue);
        var real = watchdog.CountConsumersAsync;
        var lies = 0;
        // the broker "lists no consumer" on the workflow queue three times: what it answered while the consumer was lost
        watchdog.CountConsumersAsync = (queue, ct) => queue == workflowQueue && Interlocked.Increment(ref lies) <= ConsumerWatchdog.Strikes
            ? Task.FromResult<uint?>(0)
            : real(queue, ct);
        var firstBus = host.Bus;

        await WaitUntilAsync(() => Task.FromResult(host.BusReplacements == 1), "the bus was replaced");
        Assert.NotSame(firstBus, host.Bus);

        // the old bus stops and the new one consumes both queues: one consumer each
        await WaitUntilAsync(async () => await real(workflowQueue, CancellationToken.None) == 1 && await real(activityQueue, CancellationToken.None) == 1,
            "each task queue has the new bus's consumer only");
        var task = Charge();
        await worker.SendAsync(task);
        var answer = await worker.NextAnswerAsync<ActivityTaskCompletedMessage>();
        Assert.Equal(task.RunId, answer.RunId);
        await Task.Delay(TimeSpan.FromSeconds(1)); // five more checks, all finding a consumer
        Assert.Equal(1, host.BusReplacements);
    }

    [Fact]
    public async Task Strikes_CountOnlyChecksInARow_OfAQueueTheBusConsumes()
    {
        var answers = new Queue<uint?>([0, 0, 1, 0, 0, null, 0, 0, 0]);
        var watchdog = new ConsumerWatchdog(new Uri("amqp://127.0.0.1:9/"), [], "test", NullLogger.Instance)
        {
            CountConsumersAsync = (_, _) => Task.FromResult(answers.Dequeue()),
        };
        string[] queues = ["q"];
        var consuming = true;

        var results = new List<string?>();
        while (answers.Count > 0)
        {
            results.Add(await watchdog.CheckAsync(queues, _ => consuming, CancellationToken.None));
        }
        // 0 0 (1 clears) 0 0 (unknown clears) 0 0 0 -> lost at the last check only
        Assert.Equal([null, null, null, null, null, null, null, null, "q"], results);

        // a queue the bus does not consume (reconnecting) is not asked about and gets no strike
        answers = new Queue<uint?>([0, 0, 0]);
        consuming = false;
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await watchdog.CheckAsync(queues, _ => consuming, CancellationToken.None));
        }
        Assert.Equal(3, answers.Count);
    }
}
