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

    /// <summary>When set, the REST API requires it in header <c>X-Api-Key</c> (<c>Orchestrator:ApiKey</c>).</summary>
    public string? ApiKey { get; set; }

    public static EngineOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<EngineOptions>() ?? new EngineOptions();
        if (string.IsNullOrWhiteSpace(options.Postgres))
        {
            throw new InvalidOperationException(
                "Orchestrator:Postgres is not set: give an Npgsql connection string (env Orchestrator__Postgres).");
        }
        if (string.IsNullOrWhiteSpace(options.RabbitMq))
        {
            throw new InvalidOperationException(
                "Orchestrator:RabbitMq is not set: give an AMQP URI such as amqp://user:password@127.0.0.1:5672/ (env Orchestrator__RabbitMq).");
        }
        if (Broker.RabbitMqSetup.Validate(options) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        return options;
    }
}
