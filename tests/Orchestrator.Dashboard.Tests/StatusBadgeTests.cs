using Bunit;
using Orchestrator.Dashboard.Components.Shared;

namespace Orchestrator.Dashboard.Tests;

public sealed class StatusBadgeTests : BunitContext
{
    [Theory]
    [InlineData("Running", "status-running", "Running")]
    [InlineData("Completed", "status-completed", "Completed")]
    [InlineData("Failed", "status-failed", "Failed")]
    [InlineData("Canceled", "status-canceled", "Canceled")]
    [InlineData("Terminated", "status-terminated", "Terminated")]
    [InlineData("ContinuedAsNew", "status-continuedasnew", "Continued as new")]
    [InlineData("TimedOut", "status-timedout", "Timed out")]
    public void StatusBadge_EachStatus_HasItsColourClassAndLabel(string status, string cssClass, string label)
    {
        var cut = Render<StatusBadge>(p => p.Add(x => x.Status, status));

        var badge = cut.Find("span.badge");
        Assert.Contains(cssClass, badge.ClassList);
        Assert.Equal(label, badge.TextContent);
        Assert.Equal(status, badge.GetAttribute("data-status"));
    }
}
