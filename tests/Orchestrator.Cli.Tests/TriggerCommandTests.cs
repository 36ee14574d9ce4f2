using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Cli.Tests;

/// <summary>The trigger commands against a real engine and worker, run in this process through <c>Program.RunAsync</c>.</summary>
[Collection(CliCollection.Name)]
public sealed class TriggerCommandTests(CliEngine engine)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static async Task<string> FileAsync(object trigger)
    {
        var file = Path.Combine(Path.GetTempPath(), $"trigger-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(trigger));
        return file;
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task CreateListDescribeUpdateDelete_RoundTrip_AndDescribeCountsAnEvent()
    {
        var id = NewId("cli-trigger");
        var type = $"com.example.{id}";
        var file = await FileAsync(new
        {
            triggerId = id, source = new { kind = "cloudevents", type },
            action = new { kind = "start", workflowType = "GreetWorkflow", taskQueue = engine.TaskQueue, workflowId = "greet-{id}" },
        });
        var created = await engine.RunAsync("trigger", "create", "--file", file);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"Trigger {id} created.", created.Out, StringComparison.Ordinal);
        var again = await engine.RunAsync("trigger", "create", "--file", file);
        Assert.True(again.ExitCode != 0 && again.Error.Contains("exists", StringComparison.Ordinal), again.ToString()); // 409
        File.Delete(file);

        var list = await engine.RunAsync("-o", "json", "trigger", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(JsonDocument.Parse(list.Out).RootElement.EnumerateArray(), t => t.GetProperty("triggerId").GetString() == id);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(engine.Address), "/api/v1/events"))
        {
            Content = new StringContent(JsonSerializer.Serialize(new { specversion = "1.0", id = "e-1", source = "/cli", type, data = "Trig" }), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/cloudevents+json");
        request.Headers.Add("X-Api-Key", engine.ApiKey);
        using var posted = await http.SendAsync(request);
        Assert.True((int)posted.StatusCode == 202, await posted.Content.ReadAsStringAsync());
        var result = await engine.RunAsync("workflow", "result", "greet-e-1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Hello, Trig!", result.Out, StringComparison.Ordinal);

        var table = await engine.RunAsync("trigger", "describe", id);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"cloudevents {type}", table.Out, StringComparison.Ordinal);
        Assert.Matches(@"Delivered\s+1", table.Out);

        var update = await FileAsync(new
        {
            source = new { kind = "cloudevents", type, source = "/cli" },
            action = new { kind = "signal", workflowId = "greet-{subject}", signalName = "s" },
        });
        var updated = await engine.RunAsync("trigger", "update", id, "--file", update);
        File.Delete(update);
        Assert.True(updated.ExitCode == 0, updated.ToString());
        var described = JsonDocument.Parse((await engine.RunAsync("-o", "json", "trigger", "describe", id)).Out).RootElement;
        Assert.Equal("signal", described.GetProperty("action").GetProperty("kind").GetString());
        Assert.Equal(1, described.GetProperty("stats").GetProperty("delivered").GetInt64());

        Assert.Equal(0, (await engine.RunAsync("trigger", "delete", id)).ExitCode);
        Assert.Equal(3, (await engine.RunAsync("trigger", "describe", id)).ExitCode);
        Assert.Equal(2, (await engine.RunAsync("trigger", "create", "--file", "/nonexistent/trigger.json")).ExitCode);
    }
}
