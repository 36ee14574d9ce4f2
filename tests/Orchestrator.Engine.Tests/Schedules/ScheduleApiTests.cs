using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestrator.Engine.Tests.Dispatch;

namespace Orchestrator.Engine.Tests.Schedules;

/// <summary>The schedules REST API against a real engine and PostgreSQL: bad input gets problem+json and changes nothing.</summary>
public sealed class ScheduleApiTests : IAsyncLifetime
{
    private InProcessEngine _engine = null!;

    public async Task InitializeAsync() => _engine = await InProcessEngine.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static object Valid(string id, string cron = "0 9 * * MON-FRI") => new
    {
        scheduleId = id, spec = new { cron = new[] { cron }, timeZone = "Europe/Berlin" }, action = new { workflowType = "Report" },
    };

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await _engine.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode >= HttpStatusCode.BadRequest)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory]
    [InlineData("""{"scheduleId":"s1","spec":{"cron":["61 * * * *"]},"action":{"workflowType":"W"}}""", "spec.cron[0]")]
    [InlineData("""{"scheduleId":"s1","spec":{},"action":{"workflowType":"W"}}""", "at least one")]
    [InlineData("""{"scheduleId":"s1","spec":{"cron":["* * * * *"],"timeZone":"Mars/Olympus"},"action":{"workflowType":"W"}}""", "time zone")]
    [InlineData("""{"scheduleId":"s1","spec":{"intervals":[{"every":"00:00:00.5"}]},"action":{"workflowType":"W"}}""", "whole number of seconds")]
    [InlineData("""{"scheduleId":"s1","spec":{"cron":["* * * * *"]},"action":{"workflowType":"W"},"policy":{"overlap":"Sometimes"}}""", "Skip, BufferOne")]
    [InlineData("""{"scheduleId":"s1","spec":{"cron":["* * * * *"]},"action":{"workflowType":"W"},"policy":{"catchupWindow":"00:00:00"}}""", "catchupWindow")]
    [InlineData("""{"scheduleId":"s1","spec":{"cron":["* * * * *"]},"action":{}}""", "workflowType")]
    [InlineData("""{"scheduleId":"bad id","spec":{"cron":["* * * * *"]},"action":{"workflowType":"W"}}""", "scheduleId")]
    [InlineData("""{"scheduleId":"s1","spec":{"cron":["* * * * *"]},"action":{"workflowType":"W"},"state":{"remainingActions":-1}}""", "remainingActions")]
    [InlineData("""{"scheduleId":"s1","spec":{"cron":"* * * * *"},"action":{"workflowType":"W"}}""", "spec.cron")]
    [InlineData("""not json""", "not valid JSON")]
    [InlineData("", "required")]
    public async Task Create_BadInput_Returns400WithTheReason_AndStoresNothing(string body, string expected)
    {
        var (status, problem) = await SendAsync(HttpMethod.Post, "/api/v1/schedules", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
        var (listed, page) = await SendAsync(HttpMethod.Get, "/api/v1/schedules", null);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Empty(page.GetProperty("schedules").EnumerateArray());
    }

    [Fact]
    public async Task Create_ThenSameIdAgain_Returns409_AndDescribeShowsDefaultsAndTenNextTimes()
    {
        Assert.Equal(HttpStatusCode.Created, (await _engine.Http.PostAsJsonAsync("/api/v1/schedules", Valid("weekday"))).StatusCode);
        var (again, problem) = await SendAsync(HttpMethod.Post, "/api/v1/schedules", JsonSerializer.Serialize(Valid("weekday")));
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("weekday", problem.GetProperty("detail").GetString());

        var (status, described) = await SendAsync(HttpMethod.Get, "/api/v1/schedules/weekday", null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Skip", described.GetProperty("policy").GetProperty("overlap").GetString());
        Assert.Equal("01:00:00", described.GetProperty("policy").GetProperty("catchupWindow").GetString());
        var next = described.GetProperty("info").GetProperty("nextActionTimes").EnumerateArray().Select(t => t.GetDateTimeOffset()).ToList();
        Assert.Equal(10, next.Count);
        Assert.All(next, t => Assert.DoesNotContain(t.ToOffset(TimeSpan.Zero).DayOfWeek, new[] { DayOfWeek.Saturday, DayOfWeek.Sunday }));
        Assert.Equal(0, described.GetProperty("info").GetProperty("actionCount").GetInt64());
    }

    [Theory]
    [InlineData("GET", "/api/v1/schedules/nope", null)]
    [InlineData("DELETE", "/api/v1/schedules/nope", null)]
    [InlineData("POST", "/api/v1/schedules/nope/pause", null)]
    [InlineData("POST", "/api/v1/schedules/nope/unpause", null)]
    [InlineData("POST", "/api/v1/schedules/nope/trigger", null)]
    [InlineData("POST", "/api/v1/schedules/nope/backfill", """{"startAt":"2026-01-01T00:00:00Z","endAt":"2026-01-01T01:00:00Z"}""")]
    [InlineData("PUT", "/api/v1/schedules/nope", """{"spec":{"cron":["* * * * *"]},"action":{"workflowType":"W"}}""")]
    public async Task UnknownSchedule_Returns404(string method, string path, string? body) =>
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(new HttpMethod(method), path, body)).Status);

    [Theory]
    [InlineData("backfill", """{"startAt":"2026-01-01T01:00:00Z","endAt":"2026-01-01T00:00:00Z"}""", "after 'startAt'")]
    [InlineData("backfill", """{"startAt":"2026-01-01T01:00:00Z"}""", "endAt")]
    [InlineData("trigger", """{"overlap":"Never"}""", "overlap")]
    [InlineData("pause", """{"note":5}""", "wrong JSON type")]
    public async Task Actions_BadInput_Return400(string action, string body, string expected)
    {
        Assert.Equal(HttpStatusCode.Created, (await _engine.Http.PostAsJsonAsync("/api/v1/schedules", Valid("target"))).StatusCode);
        var (status, problem) = await SendAsync(HttpMethod.Post, $"/api/v1/schedules/target/{action}", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Put_ReplacesTheSpec_PathIdMustMatch_AndListPagesById()
    {
        foreach (var id in new[] { "a", "b", "c" })
        {
            Assert.Equal(HttpStatusCode.Created, (await _engine.Http.PostAsJsonAsync("/api/v1/schedules", Valid(id))).StatusCode);
        }
        var (mismatch, _) = await SendAsync(HttpMethod.Put, "/api/v1/schedules/a", JsonSerializer.Serialize(Valid("b")));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Put, "/api/v1/schedules/a", JsonSerializer.Serialize(Valid("a", "@daily")))).Status);
        var (_, described) = await SendAsync(HttpMethod.Get, "/api/v1/schedules/a", null);
        Assert.Equal("@daily", described.GetProperty("spec").GetProperty("cron")[0].GetString());

        var (_, first) = await SendAsync(HttpMethod.Get, "/api/v1/schedules?pageSize=2", null);
        Assert.Equal(["a", "b"], first.GetProperty("schedules").EnumerateArray().Select(s => s.GetProperty("scheduleId").GetString()));
        var token = first.GetProperty("nextPageToken").GetString();
        var (_, second) = await SendAsync(HttpMethod.Get, $"/api/v1/schedules?pageSize=2&pageToken={token}", null);
        Assert.Equal(["c"], second.GetProperty("schedules").EnumerateArray().Select(s => s.GetProperty("scheduleId").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, "/api/v1/schedules?pageToken=garbage!", null)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "/api/v1/schedules/c", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/v1/schedules/c", null)).Status);
    }
}
