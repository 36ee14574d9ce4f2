using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class WorkflowTaskFailureTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task UnknownWorkflowType_RetriedWithBackOff_HistoryKeepsOnlyTheFirstFailure_AndTheRunStaysOpen()
    {
        await using var cluster = await Cluster.StartAsync(); // its worker does not know the type: it fails the task
        var id = await cluster.StartWorkflowAsync("NobodyKnowsMe", null, "unknown-1");

        JsonElement described;
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, $"the workflow task was not retried twice.\n{cluster.Logs()}");
            await Task.Delay(200);
            described = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{id}"));
        }
        while (described.GetProperty("pendingWorkflowTask").ValueKind != JsonValueKind.Object
               || described.GetProperty("pendingWorkflowTask").GetProperty("attempt").GetInt32() < 4);

        Assert.Equal("Running", described.GetProperty("status").GetString());
        var task = described.GetProperty("pendingWorkflowTask");
        Assert.Equal("WorkflowTypeNotRegisteredException", task.GetProperty("lastFailure").GetProperty("type").GetString());
        var history = await cluster.HistoryAsync(id);
        Assert.Equal(
            ["WorkflowStarted", "WorkflowTaskScheduled", "WorkflowTaskStarted", "WorkflowTaskFailed", "WorkflowTaskScheduled"],
            history.Select(e => e.EventType));
        Assert.Equal(5, task.GetProperty("scheduledEventId").GetInt64());
    }
}
