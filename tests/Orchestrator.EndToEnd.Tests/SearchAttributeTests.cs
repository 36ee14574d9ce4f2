using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>Search attributes upserted by workflow code (engine and worker processes): in the list at once, and in describe.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SearchAttributeTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private Cluster Cluster => fixture.Cluster;

    private async Task<List<string>> ListAsync(string query)
    {
        var page = await Cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(Cluster.EngineUrl(), "/api/v1/workflows?query=" + Uri.EscapeDataString(query)));
        return page.GetProperty("workflows").EnumerateArray().Select(w => w.GetProperty("workflowId").GetString()!).ToList();
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Attributes_upserted_by_the_code_are_in_the_list_within_a_second_of_being_recorded_and_follow_each_upsert()
    {
        foreach (var (name, type) in new[] { ("CustomerId", "Keyword"), ("Stage", "Keyword"), ("Note", "Text") })
        {
            using var registered = await Cluster.Http.PostAsJsonAsync(new Uri(Cluster.EngineUrl(), "/api/v1/search-attributes"), new { name, type });
            Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{name}: {(int)registered.StatusCode}");
        }
        var customer = "c-" + Guid.NewGuid().ToString("N")[..8];
        var id = await Cluster.StartWorkflowAsync("StageWorkflow", customer, "stage-" + customer);
        var started = $"CustomerId = '{customer}' AND Stage = 'started' AND ExecutionStatus = 'Running'";
        var shipped = $"CustomerId = '{customer}' AND Stage = 'shipped' AND Note IS NULL";

        await WaitVisibleAsync(id, started, upserts: 1);
        Assert.Empty(await ListAsync(shipped));
        Assert.Equal(HttpStatusCode.Accepted, await SignalAsync(Cluster, id, "advance", "go"));
        await WaitVisibleAsync(id, shipped, upserts: 2);
        Assert.Empty(await ListAsync(started));

        var described = await DescribeAsync(Cluster, id);
        Assert.Equal("shipped", described.GetProperty("searchAttributes").GetProperty("Stage").GetString());
        Assert.False(described.GetProperty("searchAttributes").TryGetProperty("Note", out _));
        Assert.Equal(HttpStatusCode.Accepted, await SignalAsync(Cluster, id, "finish", "done"));
        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal($"CustomerId={customer},Stage=shipped", closed.GetProperty("result").GetString());
        Assert.Equal([id], await ListAsync($"CustomerId = '{customer}' AND ExecutionStatus = 'Completed'"));
        var count = await Cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(Cluster.EngineUrl(),
            "/api/v1/workflows/count?groupBy=Stage&query=" + Uri.EscapeDataString($"CustomerId = '{customer}'")));
        Assert.Equal("shipped", count.GetProperty("groups")[0].GetProperty("value").GetString());
    }

    /// <summary>
    /// Polls the list every 20 ms until <paramref name="query"/> finds the run; the run's history then holds the
    /// <paramref name="upserts"/>th SearchAttributesUpserted (they commit together), recorded less than a second before the
    /// list showed it.
    /// </summary>
    private async Task WaitVisibleAsync(string id, string query, int upserts)
    {
        var clock = Stopwatch.StartNew();
        while (!(await ListAsync(query)).Contains(id))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"'{query}' never found {id}\n{await Cluster.DumpRunStateAsync(id)}");
            await Task.Delay(20);
        }
        var seenAt = DateTimeOffset.UtcNow;
        var recorded = (await Cluster.HistoryAsync(id)).Where(e => e.EventType == "SearchAttributesUpserted").ToList();
        Assert.Equal(upserts, recorded.Count);
        var lag = seenAt - recorded[^1].Timestamp;
        Assert.True(lag < TimeSpan.FromSeconds(1), $"the list showed the upsert {lag.TotalMilliseconds:0} ms after it was recorded");
    }
}
