using Bunit;
using Orchestrator.Dashboard.Components.Shared;

namespace Orchestrator.Dashboard.Tests;

public sealed class EventTableTests : BunitContext
{
    public EventTableTests() => new StubEngine().AddTo(this);

    [Fact]
    public void EventTable_Run_ShowsEveryEventNewestFirstWithSummary()
    {
        var cut = Render<EventTable>(p => p.Add(x => x.Events, Histories.OrderRun()));

        var rows = cut.FindAll("tr.event-row");
        Assert.Equal(12, rows.Count);
        Assert.Equal("12", rows[0].GetAttribute("data-event-id"));
        Assert.Equal("WorkflowCompleted", rows[0].GetAttribute("data-event-type"));
        Assert.Equal("1", rows[^1].GetAttribute("data-event-id"));
        Assert.Contains("12:00:00.000", rows[^1].TextContent, StringComparison.Ordinal);
        var signal = cut.Find("tr[data-event-type=SignalReceived]");
        Assert.Contains("approve", signal.TextContent, StringComparison.Ordinal);
        Assert.Contains("attempt 2", cut.Find("tr[data-event-id='7']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void EventTable_ClickRow_ExpandsAttributesJson()
    {
        var cut = Render<EventTable>(p => p.Add(x => x.Events, Histories.OrderRun()));
        Assert.Empty(cut.FindAll("tr.attributes-row"));

        cut.Find("tr[data-event-id='5']").Click();

        var json = cut.Find("tr[data-attributes-for='5'] pre.json").TextContent;
        Assert.Contains("\"activityName\": \"Charge\"", json, StringComparison.Ordinal);
        cut.Find("tr[data-event-id='5']").Click();
        Assert.Empty(cut.FindAll("tr.attributes-row"));
    }

    [Fact]
    public void EventTable_FiveThousandEvents_RendersOnePageAndPages()
    {
        var cut = Render<EventTable>(p => p.Add(x => x.Events, Histories.Long(5000)).Add(x => x.PageSize, 50));

        Assert.Equal(50, cut.FindAll("tr.event-row").Count);
        Assert.Contains("page 1 of 100", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("5000", cut.Find("tr.event-row").GetAttribute("data-event-id"));

        cut.Find("button[data-action=next-page]").Click();

        Assert.Equal("4950", cut.Find("tr.event-row").GetAttribute("data-event-id"));
        Assert.Contains("page 2 of 100", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void EventTable_SortAndFilter_ShowOldestFirstAndOnlyMatchingTypes()
    {
        var cut = Render<EventTable>(p => p.Add(x => x.Events, Histories.OrderRun()));

        cut.Find("button[data-action=sort]").Click();
        Assert.Equal("1", cut.Find("tr.event-row").GetAttribute("data-event-id"));

        cut.Find("input.filter").Input("activity");
        var types = cut.FindAll("tr.event-row").Select(r => r.GetAttribute("data-event-type")).ToList();
        Assert.Equal(["ActivityScheduled", "ActivityStarted", "ActivityStarted", "ActivityCompleted"], types);
    }

    [Fact]
    public void EventTable_NewEventsArrive_ShowsThemWithoutLosingState()
    {
        var events = Histories.OrderRun().Take(5).ToList();
        var cut = Render<EventTable>(p => p.Add(x => x.Events, events));
        Assert.Equal(5, cut.FindAll("tr.event-row").Count);

        var more = Histories.OrderRun().Take(8).ToList();
        cut.Render(p => p.Add(x => x.Events, more));

        Assert.Equal("8", cut.Find("tr.event-row").GetAttribute("data-event-id"));
    }
}
