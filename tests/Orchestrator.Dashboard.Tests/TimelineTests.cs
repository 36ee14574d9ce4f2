using Bunit;
using Orchestrator.Dashboard.Components.Shared;
using Orchestrator.Dashboard.History;

namespace Orchestrator.Dashboard.Tests;

public sealed class TimelineTests : BunitContext
{
    public TimelineTests() => new StubEngine().AddTo(this);

    [Fact]
    public void Build_RetriedActivity_OneBarPerAttemptFromScheduledToStartedToClosed()
    {
        var model = TimelineBuilder.Build(Histories.OrderRun(), isOpen: false, now: Histories.At(100));

        var attempts = model.Rows.Where(r => r.Kind == TimelineKind.Activity).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(new TimelineBar(Histories.At(3), Histories.At(4), Histories.At(8), TimelineOutcome.Retried, attempts[0].Bar.Title), attempts[0].Bar);
        Assert.Equal(new TimelineBar(Histories.At(8), Histories.At(8), Histories.At(9), TimelineOutcome.Completed, attempts[1].Bar.Title), attempts[1].Bar);
        Assert.Equal("Charge #1 · attempt 2", attempts[1].Label);
        Assert.Equal(Histories.At(14), model.End);
    }

    [Fact]
    public void Build_TimerSignalAndWorkflow_HaveTheirRows()
    {
        var model = TimelineBuilder.Build(Histories.OrderRun(), isOpen: false, now: Histories.At(100));

        Assert.Equal(TimelineKind.Workflow, model.Rows[0].Kind);
        Assert.Equal(TimelineOutcome.Completed, model.Rows[0].Bar.Outcome);
        var timer = Assert.Single(model.Rows, r => r.Kind == TimelineKind.Timer);
        Assert.Equal((Histories.At(10), Histories.At(11), TimelineOutcome.Fired), (timer.Bar.Start, timer.Bar.End, timer.Bar.Outcome));
        var signal = Assert.Single(model.Rows, r => r.Kind == TimelineKind.Signal);
        Assert.Equal("signal approve", signal.Label);
        Assert.Equal(Histories.At(12), signal.Bar.Start);
    }

    [Fact]
    public void Build_CanceledActivity_EndsAtItsActivityCanceled_AndTheTableSaysHow()
    {
        List<Contracts.History.HistoryEvent> events =
        [
            .. Histories.FailingRun().Take(1),
            Contracts.History.HistoryJson.CreateEvent(2, Contracts.History.EventTypes.ActivityScheduled, Histories.At(1),
                new Contracts.History.ActivityScheduledAttributes(1, "Charge", System.Text.Json.JsonSerializer.SerializeToElement(Array.Empty<int>()))),
            Contracts.History.HistoryJson.CreateEvent(3, Contracts.History.EventTypes.ActivityCancelRequested, Histories.At(2),
                new Contracts.History.ActivityCancelRequestedAttributes(1, 2)),
            Contracts.History.HistoryJson.CreateEvent(4, Contracts.History.EventTypes.ActivityCanceled, Histories.At(3),
                new Contracts.History.ActivityCanceledAttributes(1, 2, 1, "The activity acknowledged the cancel request.")),
        ];

        var model = TimelineBuilder.Build(events, isOpen: true, now: Histories.At(10));

        var charge = Assert.Single(model.Rows, r => r.Kind == TimelineKind.Activity);
        Assert.Equal((TimelineOutcome.Canceled, Histories.At(3)), (charge.Bar.Outcome, charge.Bar.End));
        Assert.Equal("Charge #1: canceled after 2 s", charge.Bar.Title);
        Assert.Equal("seq 1 · scheduled #2", EventSummary.Describe(events[2]));
        Assert.Equal("scheduled #2 · The activity acknowledged the cancel request.", EventSummary.Describe(events[3]));
    }

    [Fact]
    public void Build_OpenRun_RunningActivityExtendsToNowAndFailedAttemptsShow()
    {
        var model = TimelineBuilder.Build(Histories.FailingRun(), isOpen: true, now: Histories.At(20));

        var outcomes = model.Rows.Where(r => r.Kind == TimelineKind.Activity).Select(r => r.Bar.Outcome).ToList();
        Assert.Equal([TimelineOutcome.Retried, TimelineOutcome.Retried, TimelineOutcome.Failed, TimelineOutcome.Open], outcomes);
        Assert.Equal(Histories.At(20), model.Rows[^1].Bar.End);
        Assert.Equal(50, model.Percent(Histories.At(10)));
    }

    [Fact]
    public void TimelineView_Run_RendersBarsPositionedOnTheScale()
    {
        var cut = Render<TimelineView>(p => p.Add(x => x.Events, Histories.OrderRun()).Add(x => x.IsOpen, false));

        var rows = cut.FindAll(".timeline-row");
        Assert.Equal(5, rows.Count); // workflow, 2 attempts, timer, signal
        var retried = cut.Find(".timeline-row[data-outcome=Retried] .bar");
        Assert.Contains("outcome-retried", retried.ClassList);
        Assert.Equal("left:21.429%;width:35.714%", retried.GetAttribute("style")); // 3 s → 8 s of 14 s
        Assert.NotNull(retried.QuerySelector(".queued"));
        Assert.Single(cut.FindAll(".timeline-row[data-kind=Signal] .point"));
        Assert.Contains("attempt 1", retried.GetAttribute("title"), StringComparison.Ordinal);
    }

    [Fact]
    public void TimelineView_ManyRows_ShowsFirstRowsAndMoreButton()
    {
        var cut = Render<TimelineView>(p => p.Add(x => x.Events, Histories.Long(1000)).Add(x => x.IsOpen, true));

        Assert.Equal(200, cut.FindAll(".timeline-row").Count);
        cut.Find("button.more").Click();
        Assert.Equal(400, cut.FindAll(".timeline-row").Count);
    }
}
