using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;
using Orchestrator.Testing;
using Orchestrator.TestWorker;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// WorkflowTestEnvironment records the history the real engine records for the same inputs (issue 19): the scenario runs on
/// an engine and a worker (PostgreSQL, RabbitMQ) and in memory, and the histories are compared event for event, ignoring
/// what differs by nature (timestamps, random seeds, continuation ids, stack traces). The real engine cannot skip 30 days,
/// so both runs use a 2-second grace timer.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TestEnvironmentParityTests
{
    /// <summary>Attributes that differ between two runs of the same inputs by nature.</summary>
    private static readonly string[] ByNature = ["randomSeed", "continuationId", "fireAt", "nextAttemptAt", "stackTrace"];

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task RenewalScenario_InMemoryHistory_EqualsTheRealEnginesHistory_EventForEvent()
    {
        var input = new RenewalInput("c-7", TimeSpan.FromSeconds(2), TimeSpan.FromDays(7));
        await using var cluster = await Cluster.StartAsync();
        var id = await cluster.StartWorkflowAsync("RenewalWorkflow", input, "renewal-parity");
        await WaitForEventAsync(cluster, id, "TimerStarted", count: 2); // the grace timer fired; the approval's timeout timer waits
        Assert.Equal(System.Net.HttpStatusCode.Accepted, await SignalAsync(cluster, id, "approve", new Approval("ana")));
        Assert.Equal("Failed", Status(await cluster.WaitClosedAsync(id)));
        var real = await cluster.HistoryAsync(id);

        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<RenewalWorkflow>().AddActivities(new RenewalActivities()));
        var handle = await env.Client.StartWorkflowAsync("RenewalWorkflow", input, new StartWorkflowOptions { WorkflowId = id, TaskQueue = cluster.TaskQueue });
        await env.SkipTimeAsync(input.Grace);
        await env.Client.SignalWorkflowAsync(id, "approve", new Approval("ana"));
        await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync<string>());
        var memory = HistoryJson.ParseHistoryPage(await env.GetHistoryJsonAsync(id)).Events;

        Assert.Equal(real.Select(Comparable), memory.Select(Comparable));
        await WorkflowReplayer.ReplayAsync<RenewalWorkflow>(real);
    }

    private static string Comparable(HistoryEvent e)
    {
        var attributes = JsonNode.Parse(e.Attributes.GetRawText());
        Strip(attributes);
        return $"{e.EventId} {e.EventType} {attributes?.ToJsonString()}";
    }

    private static void Strip(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            foreach (var name in ByNature)
            {
                o.Remove(name);
            }
            foreach (var (_, child) in o.ToList())
            {
                Strip(child);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
            {
                Strip(child);
            }
        }
    }
}
