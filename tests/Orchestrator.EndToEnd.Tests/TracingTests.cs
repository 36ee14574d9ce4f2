using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Engine;
using Orchestrator.Engine.Persistence;
using Orchestrator.Sdk;
using Orchestrator.TestSupport;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>Engine and worker in this process, so one listener sees every span of a run.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TracingTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task OneRun_IsOneTrace_FromTheRestStartThroughEveryActivitySpan()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Orchestrator.Engine" or "Orchestrator.Worker" or "Microsoft.AspNetCore" or "Test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var postgres = await TestServers.CreateDatabaseAsync("trace");
        var rabbit = await TestServers.RabbitMqAsync();
        var engineQueue = "orchestrator-engine-trace-" + Guid.NewGuid().ToString("N")[..8];
        var taskQueue = "trace-" + Guid.NewGuid().ToString("N")[..8];
        var port = FreePort();
        await DatabaseMigrator.MigrateAsync(postgres, NullLogger.Instance);
        var engine = EngineHost.Build(["--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning"],
            new EngineOptions { Postgres = postgres, RabbitMq = rabbit, EngineQueue = engineQueue });
        var workerBuilder = Host.CreateApplicationBuilder(["--Logging:LogLevel:Default=Warning"]);
        workerBuilder.Configuration["Orchestrator:RabbitMq"] = await TestServers.RabbitMqWorkerAsync();
        workerBuilder.Configuration["Orchestrator:EngineUrl"] = $"http://127.0.0.1:{port}";
        workerBuilder.Configuration["Orchestrator:TaskQueue"] = taskQueue;
        workerBuilder.Configuration["Orchestrator:Worker:EngineQueue"] = engineQueue;
        workerBuilder.Services.AddOrchestratorWorker(workerBuilder.Configuration, w => w.AddWorkflow<TracedWorkflow>().AddActivities<TracedActivities>());
        using var worker = workerBuilder.Build();
        await engine.StartAsync();
        await worker.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var source = new ActivitySource("Test");
            ActivityTraceId traceId;
            using (var client = source.StartActivity("client start"))
            {
                traceId = client!.TraceId;
                using var started = await http.PostAsJsonAsync("/api/v1/workflows", new { workflowType = "TracedWorkflow", workflowId = "traced-1", taskQueue });
                Assert.Equal(HttpStatusCode.Created, started.StatusCode);
            }
            using var result = await http.GetAsync("/api/v1/workflows/traced-1/result?waitSeconds=60");
            Assert.Equal(HttpStatusCode.OK, result.StatusCode);

            var activitySpans = spans.Where(s => s.Source.Name == "Orchestrator.Worker" && s.DisplayName.StartsWith("Activity ", StringComparison.Ordinal)).ToList();
            var taskSpans = spans.Where(s => s.Source.Name == "Orchestrator.Worker" && s.DisplayName.StartsWith("WorkflowTask ", StringComparison.Ordinal)).ToList();
            Assert.True(activitySpans.Count >= 2, $"{activitySpans.Count} activity spans");
            Assert.True(taskSpans.Count >= 3, $"{taskSpans.Count} workflow task spans"); // a re-sent task (harmless) adds one
            Assert.All(activitySpans.Concat(taskSpans), s => Assert.Equal(traceId, s.TraceId));
            Assert.Contains(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.TraceId == traceId); // the REST start itself
        }
        finally
        {
            await worker.StopAsync();
            await engine.StopAsync();
            await engine.DisposeAsync();
            await TestServers.DropDatabaseAsync(postgres);
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

[Workflow]
public sealed class TracedWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        var a = await context.ExecuteActivityAsync((TracedActivities t) => t.EchoAsync("a"));
        var b = await context.ExecuteActivityAsync((TracedActivities t) => t.EchoAsync("b"));
        return a + b;
    }
}

public sealed class TracedActivities
{
    [Activity]
    public Task<string> EchoAsync(string value) => Task.FromResult(value);
}
