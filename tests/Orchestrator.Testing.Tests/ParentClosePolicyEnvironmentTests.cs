using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.Testing.Tests;

/// <summary>A parent's close reaches its open children by their parent-close policy, as the engine's shell applies it.</summary>
public sealed class ParentClosePolicyEnvironmentTests
{
    /// <summary>Starts three children, one per policy, waits a minute, and returns without waiting for them.</summary>
    [Workflow]
    public sealed class ParentWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context)
        {
            var children = new[] { ParentClosePolicy.Terminate, ParentClosePolicy.RequestCancel, ParentClosePolicy.Abandon }
                .Select(p => context.ExecuteChildWorkflowAsync<string>("ChildWorkflow", null,
                    new ChildWorkflowOptions { WorkflowId = $"child-{p}", ParentClosePolicy = p }))
                .ToList();
            await context.DelayAsync(TimeSpan.FromMinutes(1));
            return $"left {children.Count(c => !c.IsCompleted)} children running";
        }
    }

    /// <summary>Waits up to 30 days for "go"; a cancel request ends it Canceled.</summary>
    [Workflow]
    public sealed class ChildWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context) => await context.WaitForSignalAsync<string>("go", TimeSpan.FromDays(30));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task ParentCloses_TerminateChildIsTerminated_RequestCancelChildCancels_AbandonChildRunsOn()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<ParentWorkflow>().AddWorkflow<ChildWorkflow>());
        var parent = await env.Client.StartWorkflowAsync("ParentWorkflow", null, new StartWorkflowOptions { WorkflowId = "parent" });

        Assert.Equal("left 3 children running", await parent.GetResultAsync<string>());

        Assert.Equal(WorkflowStatus.Terminated, (await env.Client.DescribeWorkflowAsync("child-Terminate")).Status);
        await env.AssertHistoryAsync("child-Terminate", h => h.Terminated().HasEvent(EventTypes.WorkflowTerminated,
            e => e.GetAttributes<WorkflowTerminatedAttributes>().Reason!.Contains("parent-close policy Terminate", StringComparison.Ordinal)));
        await env.AssertHistoryAsync("child-RequestCancel", h => h.Canceled().HasEvent(EventTypes.WorkflowCancelRequested));
        Assert.Equal(WorkflowStatus.Running, (await env.Client.DescribeWorkflowAsync("child-Abandon")).Status);

        await env.Client.SignalWorkflowAsync("child-Abandon", "go", "still here");
        Assert.Equal("still here", await env.Client.GetResultAsync<string>("child-Abandon"));
        await env.AssertHistoryAsync("parent", h => h.Completed().HasNoEvent(EventTypes.ChildWorkflowFailed));
    }
}
