using System.Collections.Concurrent;
using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Sdk;

namespace Orchestrator.Worker.Tests;

/// <summary>What <see cref="LocalStepsWorkflow"/> does: how many local steps, each taking how long.</summary>
public sealed record LocalSteps(int Count, int Milliseconds);

/// <summary><c>Count</c> local activities in a row, then waits for signal "done" (so its instance stays cached).</summary>
[Workflow]
public sealed class LocalStepsWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, LocalSteps steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            await context.ExecuteLocalActivityAsync((LocalStepActivities a) => a.StepAsync(steps.Milliseconds));
        }
        return await context.WaitForSignalAsync<int>("done");
    }
}

public sealed class LocalStepActivities
{
    /// <summary>Attempts per workflow id, in this process.</summary>
    public static ConcurrentDictionary<string, int> Attempts { get; } = new();

    [Activity]
    public async Task<int> StepAsync(int milliseconds)
    {
        var n = Attempts.AddOrUpdate(ActivityExecutionContext.Current.WorkflowId, 1, (_, v) => v + 1);
        await Task.Delay(milliseconds, ActivityExecutionContext.Current.CancellationToken);
        return n;
    }
}

/// <summary>The worker host's part of local activities: the task's timeout bounds them, and a task sent again after its answer is answered the same.</summary>
public sealed class LocalActivityTaskTests
{
    private static WorkflowTaskMessage FirstTask(string taskQueue, string workflowId, LocalSteps steps, TimeSpan? timeout, int attempt = 1)
    {
        var at = DateTimeOffset.UtcNow;
        IReadOnlyList<HistoryEvent> events =
        [
            HistoryJson.CreateEvent(1, EventTypes.WorkflowStarted, at, new WorkflowStartedAttributes(nameof(LocalStepsWorkflow), taskQueue,
                JsonSerializer.SerializeToElement(steps, JsonSerializerOptions.Web), 7)),
            HistoryJson.CreateEvent(2, EventTypes.WorkflowTaskScheduled, at, new WorkflowTaskScheduledAttributes(1)),
        ];
        return new WorkflowTaskMessage(Guid.NewGuid(), workflowId, nameof(LocalStepsWorkflow), taskQueue, 2, attempt, events, null, timeout);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ATaskSentAgainAfterItsAnswer_GetsTheSameAnswer_AndNoLocalActivityRunsTwice()
    {
        await using var worker = await WorkerFixture.StartAsync(register: w => w.AddWorkflow<LocalStepsWorkflow>().AddActivities<LocalStepActivities>());
        var id = "local-again-" + Guid.NewGuid().ToString("N")[..8];
        var task = FirstTask(worker.TaskQueue, id, new LocalSteps(3, 0), TimeSpan.FromSeconds(10));

        await worker.SendAsync(task);
        var first = await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>();
        await worker.SendAsync(task with { Attempt = 2 }); // the engine sent it again: the first answer was late, or lost
        var again = await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>();

        Assert.Equal(3, first.Commands.Count);
        Assert.All(first.Commands, c => Assert.Equal(LocalActivityMarkerDetails.MarkerName, Assert.IsType<RecordMarkerCommand>(c).MarkerName));
        Assert.Equal(2, again.Attempt);
        Assert.Equal(HistoryJson.SerializeCommands(first.Commands), HistoryJson.SerializeCommands(again.Commands));
        Assert.Equal(3, LocalStepActivities.Attempts[id]);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task TheTasksTimeout_BoundsItsLocalActivities_TheAnswerContinuesInANewTask()
    {
        await using var worker = await WorkerFixture.StartAsync(register: w => w.AddWorkflow<LocalStepsWorkflow>().AddActivities<LocalStepActivities>());
        var id = "local-budget-" + Guid.NewGuid().ToString("N")[..8];

        // 10 steps of 200 ms against a 1 s timeout: the worker answers after 0.8 s with the steps done so far
        await worker.SendAsync(FirstTask(worker.TaskQueue, id, new LocalSteps(10, 200), TimeSpan.FromSeconds(1)));
        var answer = await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>();

        Assert.IsType<ContinueInNewTaskCommand>(answer.Commands[^1]);
        var markers = answer.Commands.Take(answer.Commands.Count - 1).ToList();
        Assert.InRange(markers.Count, 1, 5);
        Assert.All(markers, c => Assert.Equal(LocalActivityMarkerDetails.MarkerName, Assert.IsType<RecordMarkerCommand>(c).MarkerName));
        Assert.Equal(markers.Count, LocalStepActivities.Attempts[id]);
    }
}
