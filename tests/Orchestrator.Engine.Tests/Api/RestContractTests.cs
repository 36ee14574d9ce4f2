using System.Reflection;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Tests.Api;

/// <summary>The REST contract's enums cover what the engine stores, so describing a run never meets a status it cannot name.</summary>
public sealed class RestContractTests
{
    [Fact]
    public void EveryStoredRunStatus_IsAWorkflowStatus_AndBack()
    {
        var stored = typeof(RunStatus).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).Order().ToList();

        Assert.Equal(Enum.GetNames<WorkflowStatus>().Order(), stored);
    }
}
