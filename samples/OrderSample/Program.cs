using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Orchestrator.Sdk;
using OrderSample;

// A worker for the order saga: `dotnet run --project samples/OrderSample` (needs Orchestrator__RabbitMq; the engine
// starts the workflows, e.g. POST /api/v1/workflows {"workflowType":"OrderWorkflow","input":{"orderId":"o-1","amount":42.5,"items":["book"],"failAt":null}}).
var builder = Host.CreateApplicationBuilder(args);

builder.Services.AddOrchestratorWorker(builder.Configuration, w => w
    .AddWorkflow<OrderWorkflow>()
    .AddActivities<OrderActivities>()
    .AddWorkflow<ApprovalWorkflow>()
    .AddActivities<ApprovalActivities>());

if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    builder.Services.AddOpenTelemetry()
        .WithTracing(t => t.AddSource(OrchestratorWorker.ActivitySourceName).AddOtlpExporter());
}

await builder.Build().RunAsync();
