namespace Orchestrator.Engine;

/// <summary>The engine's settings, bound from the <c>Orchestrator</c> configuration section.</summary>
internal sealed class EngineOptions
{
    public const string Section = "Orchestrator";

    /// <summary>Npgsql connection string (<c>Orchestrator:Postgres</c>, env <c>Orchestrator__Postgres</c>).</summary>
    public string Postgres { get; set; } = "";

    /// <summary>AMQP URI (<c>Orchestrator:RabbitMq</c>), e.g. <c>amqp://orchestrator-engine:secret@127.0.0.1:5672/</c>:
    /// the engine's own broker user (docs/operations.md lists the permissions it needs).</summary>
    public string RabbitMq { get; set; } = "";

    /// <summary>The nodes of a RabbitMQ cluster as comma-separated <c>host:port</c> (<c>Orchestrator:RabbitMqNodes</c>);
    /// when set, the engine connects to the first reachable of them in turn, with the user, password and virtual host
    /// of <see cref="RabbitMq"/>.</summary>
    public string? RabbitMqNodes { get; set; }

    /// <summary>Type of the queues the engine declares (<c>Orchestrator:QueueType</c>): <c>quorum</c> (default, replicated
    /// across a cluster's nodes) or <c>classic</c>. Workers must use the same.</summary>
    public string QueueType { get; set; } = "quorum";

    /// <summary>The queue worker answers arrive on (<c>Orchestrator:EngineQueue</c>). Default <c>orchestrator-engine</c>;
    /// change it only to isolate environments sharing a broker (workers: <c>Orchestrator:Worker:EngineQueue</c>).</summary>
    public string EngineQueue { get; set; } = Contracts.Messages.QueueNames.Engine;

    /// <summary>The topic exchange CloudEvents are published to for triggers (<c>Orchestrator:EventsExchange</c>). Default
    /// <c>orchestrator.events</c>; the engine consumes the queue of the same name and dead-letters into
    /// <c>{name}.dead-letter</c>. Change it only to isolate environments sharing a broker (keep the <c>orchestrator.events</c> prefix,
    /// which the engine's broker permissions name).</summary>
    public string EventsExchange { get; set; } = "orchestrator.events";

    /// <summary>When set, the REST API and the OpenAPI document require it in header <c>X-Api-Key</c> (<c>Orchestrator:ApiKey</c>);
    /// unset or empty, the API is open (a warning is logged at start). Workers and the dashboard send it with the same key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long closed runs are kept, and how fast older ones are deleted (<c>Orchestrator:Retention</c>).</summary>
    public Retention.RetentionOptions Retention { get; set; } = new();

    /// <summary>Whether <see cref="ApiKey"/> is set, so every call but <c>/health/ready</c> needs it.</summary>
    public bool RequiresApiKey => !string.IsNullOrEmpty(ApiKey);

    /// <summary>Binds the <c>Orchestrator</c> section and validates it (<see cref="EngineOptionsValidator"/>).</summary>
    /// <exception cref="InvalidOperationException">The options cannot work; the message names every bad key.</exception>
    public static EngineOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<EngineOptions>() ?? new EngineOptions();
        var result = new EngineOptionsValidator().Validate(null, options);
        return result.Failed ? throw new InvalidOperationException(string.Join(Environment.NewLine, result.Failures)) : options;
    }
}
