// One violation of each rule, ORCH0001 to ORCH0012 (docs/analyzers.md); SampleTests compiles this file with the
// analyzers and expects each id exactly once. It is not compiled into the test project.
using System.Net.Http;
using Orchestrator.Sdk;

namespace Orchestrator.Analyzers.Samples;

public sealed record ShipmentInput(string OrderId, string[] Items);

[Workflow]
public sealed class ShipmentWorkflow
{
    private static int _shipped;                                                    // (read below: ORCH0009)

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ShipmentInput input)
    {
        var startedAt = DateTime.UtcNow;                                            // ORCH0001
        var trackingId = Guid.NewGuid();                                            // ORCH0002
        await Task.Delay(TimeSpan.FromMinutes(5));                                  // ORCH0004
        var label = await Task.Run(() => $"{input.OrderId}:{trackingId}");         // ORCH0005
        await context.DelayAsync(TimeSpan.FromHours(1)).ConfigureAwait(false);     // ORCH0006
        _shipped++;                                                                 // ORCH0009
        var region = Environment.GetEnvironmentVariable("REGION");                  // ORCH0008
        return $"{label} {startedAt:O} {region} {Carriers.Pick(input.Items)}";
    }
}

/// <summary>A helper the workflow calls: its uses count too, and are reported here.</summary>
internal static class Carriers
{
    public static string Pick(string[] items)
    {
        var seen = new HashSet<string>(items);
        var picked = "";
        foreach (var item in seen)                                                  // ORCH0010
        {
            picked += item;
        }
        return picked + new Random().Next(3) + Quote();                              // ORCH0003
    }

    private static string Quote() => File.ReadAllText("quote.txt");                 // ORCH0007
}

public sealed class ShipmentActivities
{
    // An activity may do all of the above: none of it is flagged here.
    [Activity]
    public async Task<string> BookAsync(ShipmentInput input, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        await Task.Delay(10, cancellationToken);
        return $"{input.OrderId} {DateTime.UtcNow:O} {Guid.NewGuid()}";
    }

    [Activity]
    public Task PrintAsync(Stream label) => label.FlushAsync();                    // ORCH0012
}

[Workflow]
public sealed class ReturnWorkflow
{
    [WorkflowRun]
    public Task RunAsync(string orderId) => Task.CompletedTask;                     // ORCH0011
}
