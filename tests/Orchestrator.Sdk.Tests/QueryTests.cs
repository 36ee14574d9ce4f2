using System.Text.Json;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.TestWorker;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// Queries on a replayed instance: they read the state the history leads to, and may not schedule anything. The workflow is
/// the TestWorker's <see cref="CartWorkflow"/> (linked), the one the end-to-end query tests ask.
/// </summary>
public sealed class QueryTests
{
    private static (WorkflowInstance Instance, WorkflowDefinition Definition) Replay(EngineSimulator sim)
    {
        var instance = sim.NewInstance();
        instance.Replay(sim.History.ToList());
        return (instance, WorkflowDefinition.Create(typeof(CartWorkflow)));
    }

    private static List<string> Items(WorkflowInstance instance, WorkflowDefinition definition) =>
        instance.Query(definition.Queries["Items"], null)!.Value.Deserialize<List<string>>()!;

    [Fact]
    public void Query_SeesSignalsOfCompletedTasks_AndThoseNoTaskHasTakenYet()
    {
        var sim = new EngineSimulator(typeof(CartWorkflow), "customer-1");
        sim.RunTask();
        sim.Signal("item", "apple");
        sim.RunTask();
        sim.Signal("item", "pear");          // after the last completed task: no task yet
        var (instance, definition) = Replay(sim);

        Assert.Equal(["apple", "pear"], Items(instance, definition));

        sim.Append(Contracts.History.EventTypes.WorkflowTaskScheduled, new Contracts.History.WorkflowTaskScheduledAttributes(1));
        sim.Signal("item", "pear");          // after the pending task's WorkflowTaskScheduled
        (instance, definition) = Replay(sim);
        Assert.Equal(["apple", "pear", "pear"], Items(instance, definition));
        Assert.Equal(7.5m, instance.Query(definition.Queries["total"], JsonSerializer.SerializeToElement("EUR"))!.Value.GetDecimal());
    }

    [Fact]
    public void QueryBeforeTheFirstWorkflowTask_RunsTheCodeOnTheStartAndSignals()
    {
        var sim = new EngineSimulator(typeof(CartWorkflow), "customer-1"); // WorkflowStarted only: no task scheduled yet
        sim.Signal("item", "first");
        var (instance, definition) = Replay(sim);

        Assert.Equal(["first"], Items(instance, definition));
    }

    [Fact]
    public void QueryThatSchedules_FailsWithAClearError_AndTheStateStays()
    {
        var sim = new EngineSimulator(typeof(CartWorkflow), "customer-1");
        sim.RunTask();
        sim.Signal("item", "apple");
        var (instance, definition) = Replay(sim);

        var error = Assert.Throws<InvalidOperationException>(() => instance.Query(definition.Queries["Sneaky"], null));

        Assert.Contains("A query may not call ExecuteActivityAsync", error.Message, StringComparison.Ordinal);
        Assert.Equal(["apple"], Items(instance, definition));
    }

    [Workflow]
    public sealed class BadQueryWorkflow
    {
        [WorkflowRun]
        public Task RunAsync(WorkflowContext context) => Task.CompletedTask;

        [WorkflowQuery]
        public Task<int> Later() => Task.FromResult(1);
    }

    [Fact]
    public void QueryReturningATask_IsRefusedWhenTheWorkflowIsRegistered()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkflowDefinition.Create(typeof(BadQueryWorkflow)));
        Assert.Contains("must return a value synchronously", error.Message, StringComparison.Ordinal);
    }
}
