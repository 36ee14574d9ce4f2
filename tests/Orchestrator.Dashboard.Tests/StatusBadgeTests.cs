using Bunit;
using Orchestrator.Contracts.Api;
using Orchestrator.Dashboard.Components.Shared;

namespace Orchestrator.Dashboard.Tests;

public sealed class StatusBadgeTests : BunitContext
{
    [Theory]
    [InlineData(WorkflowStatus.Running, "status-running", "Running")]
    [InlineData(WorkflowStatus.Completed, "status-completed", "Completed")]
    [InlineData(WorkflowStatus.Failed, "status-failed", "Failed")]
    [InlineData(WorkflowStatus.Canceled, "status-canceled", "Canceled")]
    [InlineData(WorkflowStatus.Terminated, "status-terminated", "Terminated")]
    [InlineData(WorkflowStatus.ContinuedAsNew, "status-continuedasnew", "Continued as new")]
    [InlineData(WorkflowStatus.TimedOut, "status-timedout", "Timed out")]
    public void StatusBadge_EachStatus_HasItsColourClassAndLabel(WorkflowStatus status, string cssClass, string label)
    {
        var cut = Render<StatusBadge>(p => p.Add(x => x.Status, status));

        var badge = cut.Find("span.badge");
        Assert.Contains(cssClass, badge.ClassList);
        Assert.Equal(label, badge.TextContent);
        Assert.Equal(status.ToString(), badge.GetAttribute("data-status"));
    }
}
