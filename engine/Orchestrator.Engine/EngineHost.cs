using MassTransit;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Api;
using Orchestrator.Engine.Broker;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine;

/// <summary>Builds the engine's web host: REST API, dispatcher, relay, sweeper, health and telemetry.</summary>
internal static class EngineHost
{
    public static WebApplication Build(string[] args, EngineOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5080");
        }
        // Kestrel's own limit is the drain cap, not the API's 2 MiB: Kestrel stops reading at its limit and closes the
        // connection with the rest unread, so a client still writing sees a reset instead of the 413 (PayloadTooLargeResult).
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = ApiLimits.MaxDrainBytes);

        var services = builder.Services;
        services.AddSingleton(options);
        // validated when the host starts, whoever built them (Program has checked them already, before migrating)
        services.AddSingleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>();
        services.AddSingleton<IOptionsFactory<EngineOptions>>(sp => new GivenOptionsFactory<EngineOptions>(options, sp.GetServices<IValidateOptions<EngineOptions>>()));
        services.AddOptions<EngineOptions>().ValidateOnStart();
        var settings = builder.Configuration.GetSection("Orchestrator:Engine").Get<EngineSettings>() ?? new EngineSettings();
        services.AddSingleton(settings);
        services.AddSingleton(_ =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(options.Postgres);
            var cs = dataSource.ConnectionStringBuilder;
            // Measured in bench/ (docs/benchmarks.md): prepared statements and no DISCARD ALL on every return to the
            // pool halve PostgreSQL's statements per workflow. The engine keeps no session state, so both are safe.
            // A connection string that sets them explicitly wins.
            if (!options.Postgres.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                cs.MaxAutoPrepare = 64;
            }
            if (!options.Postgres.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
            {
                cs.NoResetOnClose = true;
            }
            return dataSource.Build();
        });
        services.AddSingleton<HistoryStore>();
        services.AddSingleton<DispatchStore>();
        services.AddSingleton<VisibilityStore>();
        services.AddSingleton<Visibility.SearchAttributeRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<Visibility.SearchAttributeRefresher>());
        services.AddSingleton<RunCloseNotifier>();
        services.AddSingleton<TimerWakeup>();
        services.AddSingleton<EngineTelemetry>();
        services.AddSingleton<WorkflowEngine>();
        services.AddSingleton<RunShell>();
        services.AddSingleton<ActivityCancelNotifier>();
        services.AddSingleton<TaskAnswerHandler>();
        services.AddSingleton<GroupCommit>();
        services.AddHostedService(sp => sp.GetRequiredService<GroupCommit>());
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        services.AddHostedService<TaskSweeper>();
        services.AddHostedService<RunCloseListener>();
        services.AddSingleton<ScheduleStore>();
        services.AddSingleton<Schedules.ScheduleFirer>();
        services.AddSingleton<Schedules.ScheduleService>();
        services.AddSingleton<Schedules.ScheduleLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<Schedules.ScheduleLoop>());
        services.AddSingleton<TriggerStore>();
        services.AddSingleton<Triggers.TriggerService>();
        services.AddSingleton<Triggers.TriggerDeliveryPruner>();
        services.AddHostedService(sp => sp.GetRequiredService<Triggers.TriggerDeliveryPruner>());
        services.AddSingleton<Triggers.BrokerEventSource>();
        services.AddHostedService(sp => sp.GetRequiredService<Triggers.BrokerEventSource>());

        services.AddSingleton<Broker.EngineConsumerWatchdog>();
        services.AddHostedService(sp => sp.GetRequiredService<Broker.EngineConsumerWatchdog>());
        services.AddSingleton<DispatchTopology>();
        services.AddSingleton<Queries.WorkflowQueries>();
        services.AddSingleton<UpdateStore>();
        services.AddSingleton<ExternalRequestStore>();
        services.AddSingleton<External.ExternalRequestQueue>();
        services.AddSingleton<External.ExternalRequestDeliverer>();
        services.AddHostedService(sp => sp.GetRequiredService<External.ExternalRequestDeliverer>());
        services.AddSingleton<Updates.UpdateWaiters>();
        services.AddSingleton<Updates.WorkflowUpdates>();
        services.AddSingleton(Batches.BatchSettings.Bind(builder.Configuration));
        services.AddSingleton<BatchStore>();
        services.AddSingleton<Batches.BatchTelemetry>();
        services.AddSingleton<Batches.BatchExecutor>();
        services.AddSingleton<Batches.BatchRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<Batches.BatchRunner>());
        services.AddSingleton<Batches.BatchService>();
        services.AddSingleton(options.Retention);
        services.AddSingleton<RetentionStore>();
        services.AddSingleton<Retention.RetentionTelemetry>();
        services.AddSingleton<Retention.RetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<Retention.RetentionSweeper>());
        services.AddSingleton<Reset.ResetService>();
        services.AddMassTransit(x =>
        {
            x.AddConsumer<EngineConsumer>();
            x.UsingRabbitMq((context, cfg) =>
            {
                RabbitMqSetup.Host(cfg, options);
                // The bus's own temporary queue, under a name the engine's broker user may declare (docs/operations.md).
                cfg.OverrideDefaultBusEndpointQueueName($"{options.EngineQueue}-bus-{NewId.NextGuid():N}");
                cfg.SendTopology.ConfigureErrorSettings = q => RabbitMqSetup.ApplyQueueType(q, options.QueueType);
                cfg.SendTopology.ConfigureDeadLetterSettings = q => RabbitMqSetup.ApplyQueueType(q, options.QueueType);
                cfg.ConfigureSend(s => s.UseFilter(new DispatchTopologyFilter(context.GetRequiredService<DispatchTopology>())));
                cfg.ReceiveEndpoint(options.EngineQueue, e =>
                {
                    e.ConfigureConsumeTopology = false;
                    RabbitMqSetup.ApplyQueueType(e, options.QueueType);
                    // workers publish answers into the inbox exchange, never into the queue's own exchange
                    e.Bind(QueueNames.Inbox(options.EngineQueue));
                    e.PrefetchCount = 128;
                    e.ConcurrentMessageLimit = 32;
                    e.UseMessageRetry(r => r.Intervals(20, 100, 500, 2000, 5000));
                    e.ConfigureConsumer<EngineConsumer>(context);
                });
                // answers to this process's queries: a queue of its own that goes with it (classic: a quorum queue cannot be
                // auto-deleted), behind an inbox exchange that goes with the queue's binding
                var queries = context.GetRequiredService<Queries.WorkflowQueries>();
                cfg.ReceiveEndpoint(queries.ReplyQueue, e =>
                {
                    e.ConfigureConsumeTopology = false;
                    e.Durable = false;
                    e.AutoDelete = true;
                    e.Bind(QueueNames.Inbox(queries.ReplyQueue), x =>
                    {
                        x.Durable = false;
                        x.AutoDelete = true;
                    });
                    e.Handler<WorkflowQueryAnswerMessage>(queries.AnswerAsync);
                });
            });
        });

        services.AddProblemDetails();
        services.AddApiKeyAuthentication(options);
        services.AddEngineOpenApi();
        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);

        var otel = services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(EngineTelemetry.Name, "MassTransit"))
            .WithMetrics(m => m.AddMeter(EngineTelemetry.Name));
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            otel.WithTracing(t => t.AddOtlpExporter()).WithMetrics(m => m.AddOtlpExporter());
        }

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseApiKeyAuthentication(options);
        // the OpenAPI document and its reference at /docs are anonymous: they are the same for every engine of this
        // version (docs/openapi.json holds a copy) and the operations they describe need the key. Readiness stays
        // anonymous for load balancers and orchestrators, and tells nothing but "ready" or not.
        app.MapEngineOpenApi();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        // liveness: the process serves HTTP; no dependency is checked, so an orchestrator does not restart an engine that
        // waits for PostgreSQL or RabbitMQ (readiness says that)
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapWorkflowApi();
        app.MapScheduleApi();
        app.MapTriggerApi();
        app.MapSearchAttributeApi();
        app.MapBatchApi();
        app.MapResetApi();
        return app;
    }
}

/// <summary>Readiness of PostgreSQL (RabbitMQ's is MassTransit's own "ready" check).</summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer.", e);
        }
    }
}
