using System.Diagnostics.CodeAnalysis;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

public sealed class WorkflowDefinitionTests
{
    [Fact(Timeout = Limit)]
    public Task Create_ValidWorkflow_DescribesIt() => Bounded(() =>
    {
        var definition = WorkflowDefinition.Create(typeof(GreetingWorkflow));
        Assert.Equal("GreetingWorkflow", definition.Name);
        Assert.Equal(typeof(string), definition.InputType);
        Assert.Equal(typeof(string), definition.ResultType);
        Assert.Equal("Order", WorkflowDefinition.Create(typeof(OrderV1)).Name);
    });

    [Theory(Timeout = Limit)]
    [InlineData(typeof(NotAWorkflow), "mark the class with [Workflow]")]
    [InlineData(typeof(NoRunMethod), "exactly one [WorkflowRun] method; it has 0")]
    [InlineData(typeof(WrongReturn), "must return Task or Task<T>")]
    [InlineData(typeof(NoContext), "must take (WorkflowContext context)")]
    [InlineData(typeof(NeedsServices), "public parameterless constructor")]
    public async Task Create_InvalidWorkflow_SaysWhy(Type type, string message)
    {
        await Bounded(() =>
        {
            var ex = Assert.Throws<ArgumentException>(() => WorkflowDefinition.Create(type));
            Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        });
    }

    [Fact(Timeout = Limit)]
    public Task Registry_FindsByName_RejectsDuplicates() => Bounded(() =>
    {
        var registry = new WorkflowRegistry();
        registry.Add<OrderV1>();
        registry.Add<GreetingWorkflow>();
        Assert.Equal(typeof(OrderV1), registry.Get("Order").Type);
        Assert.Throws<ArgumentException>(() => registry.Add<OrderDifferentOrder>());
        Assert.Throws<KeyNotFoundException>(() => registry.Get("Nope"));
    });

    public sealed class NotAWorkflow;

    [Workflow]
    [SuppressMessage("Orchestrator.Usage", "ORCH0011", Justification = "Deliberate: the test checks that the worker rejects this shape when it registers it.")]
    public sealed class NoRunMethod;

    [Workflow]
    [SuppressMessage("Orchestrator.Usage", "ORCH0011", Justification = "Deliberate: the test checks that the worker rejects this shape when it registers it.")]
    public sealed class WrongReturn
    {
        [WorkflowRun]
        public string Run(WorkflowContext context) => "";
    }

    [Workflow]
    [SuppressMessage("Orchestrator.Usage", "ORCH0011", Justification = "Deliberate: the test checks that the worker rejects this shape when it registers it.")]
    public sealed class NoContext
    {
        [WorkflowRun]
        public Task RunAsync(string input) => Task.CompletedTask;
    }

    [Workflow]
    [SuppressMessage("Orchestrator.Usage", "ORCH0011", Justification = "Deliberate: the test checks that the worker rejects this shape when it registers it.")]
    public sealed class NeedsServices(IGreeter greeter)
    {
        [WorkflowRun]
        public Task RunAsync(WorkflowContext context) => Task.FromResult(greeter);
    }
}
