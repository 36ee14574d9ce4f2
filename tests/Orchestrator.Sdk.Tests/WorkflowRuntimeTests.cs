using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

public sealed class WorkflowRuntimeTests
{
    [Fact(Timeout = Limit)]
    public Task Greeting_RunsToCompletion_CommandsFollowTheCode() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(GreetingWorkflow), "ana") { Activities = FakeActivities.Default };
        var first = sim.RunTask();
        var schedule = Assert.IsType<ScheduleActivityCommand>(Assert.Single(first));
        Assert.Equal(1, schedule.Seq);
        Assert.Equal("Add", schedule.ActivityName);
        Assert.Equal("[3,1]", schedule.Input.GetRawText());
        Assert.Equal(TimeSpan.FromSeconds(30), schedule.StartToCloseTimeout);
        sim.RunToEnd();
        var complete = Assert.IsType<CompleteWorkflowCommand>(sim.Closing);
        Assert.StartsWith("\"hello ana 4 ", complete.Result!.Value.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(["ScheduleActivity", "StartTimer", "ScheduleActivity", "ScheduleActivity", "CompleteWorkflow"],
            sim.CommandsPerTask.SelectMany(c => c).Select(c => c.GetType().Name.Replace("Command", "", StringComparison.Ordinal)));
    });

    [Fact(Timeout = Limit)]
    public Task SameSeed_SameGuidAndRandom_DifferentSeed_Different() => Bounded(() =>
    {
        string Result(long seed)
        {
            var sim = new EngineSimulator(typeof(GreetingWorkflow), "ana", seed) { Activities = FakeActivities.Default };
            sim.RunToEnd();
            return ((CompleteWorkflowCommand)sim.Closing!).Result!.Value.GetString()!;
        }
        Assert.Equal(Result(7), Result(7));
        Assert.NotEqual(Result(7), Result(8));
    });

    [Fact(Timeout = Limit)]
    public Task UtcNow_IsTheCurrentTaskTimestamp() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(MixWorkflow), 0);
        var instance = sim.NewInstance();
        sim.Append(EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
        var activation = instance.Activate(sim.History.ToList());
        Assert.Equal(sim.History[^1].Timestamp, instance.Context.UtcNow);
        Assert.Equal(2, instance.Context.HistoryLength);
        Assert.False(instance.Context.IsReplaying);
        Assert.IsType<CompleteWorkflowCommand>(Assert.Single(activation.Commands));
        Assert.True(instance.IsCompleted);
        Assert.Equal(2, instance.LastEventId);
    });

    [Fact(Timeout = Limit)]
    public Task FanOut_1000Activities_FanIn_Completes() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(FanOutWorkflow), 1000) { Activities = FakeActivities.Default };
        var first = sim.RunTask();
        Assert.Equal(1000, first.Count);
        Assert.Equal(Enumerable.Range(1, 1000), first.Cast<ScheduleActivityCommand>().Select(c => c.Seq));
        // complete them in reverse order over two tasks
        foreach (var seq in Enumerable.Range(501, 500).Reverse())
        {
            sim.CompleteActivity(seq);
        }
        Assert.Empty(sim.RunTask());
        foreach (var seq in Enumerable.Range(1, 500).Reverse())
        {
            sim.CompleteActivity(seq);
        }
        var last = sim.RunTask();
        var complete = Assert.IsType<CompleteWorkflowCommand>(Assert.Single(last));
        Assert.Equal(Enumerable.Range(1, 1000).Sum(), complete.Result!.Value.GetInt64());
    });

    [Fact(Timeout = Limit)]
    public Task FailedActivity_SurfacesAsActivityFailedException_WithErrorType() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SagaWorkflow), new SagaInput("rcpt-1", "res-1", ContinueOnError: false)) { Activities = FakeActivities.Default };
        sim.RunToEnd();
        var complete = Assert.IsType<CompleteWorkflowCommand>(sim.Closing);
        Assert.Equal("CardDeclinedException; compensated", complete.Result!.Value.GetString());
    });

    [Fact(Timeout = Limit)]
    public Task FailedTask_IsIgnoredOnReplay_AndStaleCachedInstanceIsRefused() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(GreetingWorkflow), "bo") { Activities = FakeActivities.Default };
        sim.RunTask();
        var cached = sim.NewInstance();
        sim.CompleteActivity(1);
        sim.FailTask();       // the engine timed the task out
        sim.RunToEnd();        // the simulator replays cold after a failed task and compares with a fresh instance
        Assert.IsType<CompleteWorkflowCommand>(sim.Closing);

        // a cached instance that answered the failed task must not continue
        var history = sim.History;
        var failedScheduled = history.First(e => e.EventType == EventTypes.WorkflowTaskFailed).Attributes.GetProperty("scheduledEventId").GetInt64();
        cached.Activate(history.Take((int)failedScheduled).ToList());
        var rest = history.Skip((int)failedScheduled).TakeWhile(e => e.EventType != EventTypes.WorkflowTaskCompleted).ToList();
        Assert.Throws<StaleWorkflowInstanceException>(() => cached.Activate(rest.Take(rest.FindLastIndex(e => e.EventType == EventTypes.WorkflowTaskScheduled) + 1).ToList()));
    });

    [Fact(Timeout = Limit)]
    public Task Activate_WithGap_Throws() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(GreetingWorkflow), "x") { Activities = FakeActivities.Default };
        sim.RunTask();
        var instance = sim.NewInstance();
        Assert.Throws<ArgumentException>(() => instance.Activate(sim.History.Skip(1).ToList()));
    });

    [Fact(Timeout = Limit)]
    public Task Logger_IsSilentWhileReplaying() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(LoggingWorkflow)) { Activities = FakeActivities.Default };
        sim.RunToEnd();
        var logger = new ListLogger();
        var definition = WorkflowDefinition.Create(typeof(LoggingWorkflow));
        var history = sim.History.ToList();
        var lastScheduled = history.FindLastIndex(e => e.EventType == EventTypes.WorkflowTaskScheduled);
        new WorkflowInstance(definition, new WorkflowRuntimeOptions(), logger).Activate(history.Take(lastScheduled + 1).ToList());
        Assert.Equal(["after activity"], logger.Lines); // "before activity" was logged in a replayed task
    });
}

[Workflow]
public sealed class LoggingWorkflow
{
    [WorkflowRun]
    public async Task RunAsync(WorkflowContext context)
    {
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(context.Logger, "before activity");
        await context.ExecuteActivityAsync<int>("echo", 1);
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(context.Logger, "after activity");
    }
}

internal sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
{
    public List<string> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Lines.Add(formatter(state, exception));
}
