using System.Globalization;
using System.Net;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Dashboard.Api;
using Orchestrator.Dashboard.Components.Pages;

namespace Orchestrator.Dashboard.Tests;

/// <summary>The list's time-range presets: kept in the URL, sent as <c>StartTime &gt; '...'</c> in the query (list, counts, batch).</summary>
public sealed class TimeRangeTests : BunitContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 20, 0, 0, TimeSpan.Zero);

    private readonly StubEngine engine = new();

    public TimeRangeTests()
    {
        engine.AddTo(this);
        var authorization = AddAuthorization();
        authorization.SetAuthorized("ana");
        authorization.SetRoles("Operator");
        engine.Respond = request => request.RequestUri!.AbsolutePath switch
        {
            "/api/v1/workflows/count" => (HttpStatusCode.OK, """{"groups":[{"value":"Running","count":2}]}"""),
            "/api/v1/workflows/counts" => (HttpStatusCode.OK, """{"counts":{"Running":2}}"""),
            _ => (HttpStatusCode.OK, """{"workflows":[],"nextPageToken":null}"""),
        };
    }

    private IRenderedComponent<WorkflowList> RenderList(string query)
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.BaseUri + query);
        return Render<WorkflowList>();
    }

    private string ListQuerySent()
    {
        var list = engine.Requests.Last(r => r.PathAndQuery.StartsWith("/api/v1/workflows?", StringComparison.Ordinal));
        return System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + list.PathAndQuery).Query)["query"] ?? "";
    }

    [Fact]
    public void Preset_LastHour_SendsStartTimeAfterAnHourAgo_InTheListAndTheCount_AndMarksItsChip()
    {
        var cut = RenderList("?range=1h");

        cut.WaitForAssertion(() => Assert.Contains(engine.Requests, r => r.PathAndQuery.StartsWith("/api/v1/workflows?", StringComparison.Ordinal)), Wait);
        var sent = ListQuerySent();
        Assert.StartsWith("StartTime > '", sent, StringComparison.Ordinal);
        var after = DateTimeOffset.Parse(sent["StartTime > '".Length..^1], CultureInfo.InvariantCulture);
        Assert.InRange(after, DateTimeOffset.UtcNow.AddHours(-1).AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(-1).AddSeconds(1));
        Assert.Contains(engine.Requests, r => r.PathAndQuery.StartsWith("/api/v1/workflows/count?", StringComparison.Ordinal) && r.PathAndQuery.Contains("StartTime", StringComparison.Ordinal));
        Assert.Contains("active", cut.Find("a.range-chip[data-range='1h']").ClassName, StringComparison.Ordinal);
        Assert.DoesNotContain("active", cut.Find("a.range-chip[data-range='']").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Preset_WithAQuery_IsAndedWithIt_OrderByKeptLast_AndTheChipsKeepTheOtherFilters()
    {
        var cut = RenderList("?query=" + Uri.EscapeDataString("WorkflowType = 'A' OR WorkflowType = 'B' ORDER BY StartTime ASC") + "&status=Running&range=7d");

        cut.WaitForAssertion(() => Assert.Matches(@"^\(WorkflowType = 'A' OR WorkflowType = 'B'\) AND StartTime > '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ' ORDER BY StartTime ASC$", ListQuerySent()), Wait);
        var link = cut.Find("a.range-chip[data-range='30d']").GetAttribute("href")!;
        Assert.Contains("range=30d", link, StringComparison.Ordinal);
        Assert.Contains("status=Running", link, StringComparison.Ordinal);
        Assert.Contains("query=", link, StringComparison.Ordinal);
        Assert.DoesNotContain("range=", cut.Find("a.range-chip[data-range='']").GetAttribute("href")!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?range=forever", "'forever' is not one of 1h, 24h, 7d, 30d or custom")]
    [InlineData("?range=custom&from=yesterday", "'from' ('yesterday') is not a date and time")]
    [InlineData("?range=custom&from=2026-12-04T10:00:00Z&to=2026-12-04T09:00:00Z", "ends ('2026-12-04T09:00:00Z') before it starts")]
    public void BadRange_InTheUrl_SaysSo_ListsNothing_AndOffersNoBatch(string query, string message)
    {
        var cut = RenderList(query);

        cut.WaitForAssertion(() => Assert.Contains(message, cut.Find("[data-range-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.DoesNotContain(engine.Requests, r => r.PathAndQuery.StartsWith("/api/v1/workflows", StringComparison.Ordinal));
        Assert.True(cut.Find("button[data-action=batch]").HasAttribute("disabled"));
    }

    [Fact]
    public void CustomRange_FromTheUrl_SendsBothEnds_AndFillsTheInputs()
    {
        var cut = RenderList("?range=custom&from=2026-12-01T00:00:00Z&to=2026-12-02T12:30:00Z");

        cut.WaitForAssertion(() => Assert.Equal("StartTime > '2026-12-01T00:00:00Z' AND StartTime < '2026-12-02T12:30:00Z'", ListQuerySent()), Wait);
        Assert.StartsWith("2026-12-01T00:00", cut.Find("input[name=range-from]").GetAttribute("value"), StringComparison.Ordinal);
        Assert.StartsWith("2026-12-02T12:30", cut.Find("input[name=range-to]").GetAttribute("value"), StringComparison.Ordinal);
    }

    [Fact]
    public void CustomRange_Applied_PutsItInTheUrl()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = RenderList("?status=Failed");
        cut.Find("button[data-range=custom]").Click();

        cut.Find("input[name=range-from]").Change("2026-11-30T08:15");
        cut.Find("form.custom-range").Submit();

        Assert.Contains("range=custom", navigation.Uri, StringComparison.Ordinal);
        Assert.Contains("from=2026-11-30T08%3A15%3A00Z", navigation.Uri, StringComparison.Ordinal);
        Assert.Contains("status=Failed", navigation.Uri, StringComparison.Ordinal);
        Assert.DoesNotContain("to=", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void BadQuery_WithARange_ShowsThePositionInTheQueryAsWritten()
    {
        // the engine counts in "(WorkflowType = = 'A') AND StartTime > ...": the second '=' at 16; in the query as written it is at 15
        engine.Respond = _ => (HttpStatusCode.BadRequest, """{"title":"Bad query","detail":"Expected a value at position 16.","position":16}""");

        var cut = RenderList("?query=" + Uri.EscapeDataString("WorkflowType = = 'A'") + "&range=24h");

        cut.WaitForAssertion(() => Assert.Equal("15", cut.Find(".query-error").GetAttribute("data-position")), Wait);
    }

    [Fact]
    public void ListQuery_And_BatchQuery_CarryTheRange()
    {
        var filter = new WorkflowFilter(Status: "Running", Query: "CustomerId = 'c-1' ORDER BY StartTime DESC", StartedAfter: Now.AddDays(-1));

        Assert.Equal("(CustomerId = 'c-1') AND StartTime > '2026-12-03T20:00:00Z' ORDER BY StartTime DESC", ListQuery.Of(filter));
        Assert.Equal("(StartTime > '2026-12-03T20:00:00Z') AND ExecutionStatus = 'Running' ORDER BY StartTime DESC",
            BatchQuery.Of(filter with { Query = "ORDER BY StartTime DESC" }));
        Assert.Equal("((CustomerId = 'c-1') AND StartTime > '2026-12-03T20:00:00Z') AND ExecutionStatus = 'Running' ORDER BY StartTime DESC", BatchQuery.Of(filter));
        Assert.Equal("StartTime > '2026-12-03T20:00:00Z'", ListQuery.Of(new WorkflowFilter(StartedAfter: Now.AddDays(-1))));
        Assert.Equal("CustomerId = 'c-1'", ListQuery.Of(new WorkflowFilter(Query: "CustomerId = 'c-1'")));
    }

    [Theory]
    [InlineData("1h", "2026-12-04T19:00:00Z")]
    [InlineData("24h", "2026-12-03T20:00:00Z")]
    [InlineData("7d", "2026-11-27T20:00:00Z")]
    [InlineData("30d", "2026-11-04T20:00:00Z")]
    public void Presets_AreRelativeToNow(string range, string after)
    {
        var (a, b) = TimeRange.Resolve(range, null, null, Now, out var error);

        Assert.Null(error);
        Assert.Equal(DateTimeOffset.Parse(after, CultureInfo.InvariantCulture), a);
        Assert.Null(b);
    }
}
