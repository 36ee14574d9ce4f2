using System.Text.Json;

namespace Orchestrator.Sdk;

/// <summary>
/// Settings of a worker hosted with <see cref="OrchestratorWorkerServiceCollectionExtensions.AddOrchestratorWorker"/>.
/// Bound from configuration: <c>Orchestrator:RabbitMq</c>, <c>Orchestrator:RabbitMqNodes</c>, <c>Orchestrator:QueueType</c>,
/// <c>Orchestrator:EngineUrl</c>, <c>Orchestrator:TaskQueue</c>, <c>Orchestrator:ApiKey</c>, and every other property from
/// <c>Orchestrator:Worker:*</c> (e.g. <c>Orchestrator:Worker:MaxConcurrentActivities</c>; <c>Orchestrator:Worker:ApiKey</c> wins
/// over <c>Orchestrator:ApiKey</c>).
/// </summary>
public sealed class OrchestratorWorkerOptions
{
    /// <summary>AMQP URI of the RabbitMQ broker with the worker's own broker user, e.g. <c>amqp://orchestrator-worker:secret@127.0.0.1:5672/</c> (<c>Orchestrator:RabbitMq</c>). Required. docs/operations.md lists the permissions the user needs.</summary>
    public string? RabbitMq { get; set; }

    /// <summary>The nodes of a RabbitMQ cluster as comma-separated <c>host:port</c> (<c>Orchestrator:RabbitMqNodes</c>); when set, the worker connects to the first reachable of them in turn, with the user, password and virtual host of <see cref="RabbitMq"/>.</summary>
    public string? RabbitMqNodes { get; set; }

    /// <summary>Type of the task queue's queues the worker declares (<c>Orchestrator:QueueType</c>): <c>quorum</c> (default, replicated across a cluster's nodes) or <c>classic</c>. Must be the engine's.</summary>
    public string QueueType { get; set; } = "quorum";

    /// <summary>Base address of the engine's REST API, used to fetch a run's history when the cache cannot continue it (<c>Orchestrator:EngineUrl</c>). Default <c>http://127.0.0.1:5080</c>.</summary>
    public Uri EngineUrl { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>
    /// The engine's API key, sent as header <c>X-Api-Key</c> when the worker fetches a run's history (<c>Orchestrator:ApiKey</c>,
    /// the same key and setting as the engine's). Required when the engine has one: without it every workflow task the
    /// cache cannot continue fails with 401 (logged as a configuration error). Default none.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The task queue this worker serves (<c>Orchestrator:TaskQueue</c>). Default <c>default</c>.</summary>
    public string TaskQueue { get; set; } = "default";

    /// <summary>How many activity attempts run at once (prefetch and concurrency of the activity queue). Default 32.</summary>
    public int MaxConcurrentActivities { get; set; } = 32;

    /// <summary>How many workflow tasks run at once (prefetch and concurrency of the workflow queue). Default 16.</summary>
    public int MaxConcurrentWorkflowTasks { get; set; } = 16;

    /// <summary>How many workflow runs stay in memory between tasks (least recently used are dropped and replayed when they come back). Default 1000; 0 disables the cache.</summary>
    public int MaxCachedWorkflows { get; set; } = 1000;

    /// <summary>
    /// When an activity completes on this worker and the worker holds the run's workflow instance, run the next workflow
    /// task right away and send its commands with the result: one engine transaction and two messages per activity instead
    /// of two and four. The engine applies them only if nothing else happened to the run meanwhile (else it records the
    /// result alone and sends a workflow task as usual), so the history is the same either way. Default true.
    /// </summary>
    public bool EagerWorkflowTasks { get; set; } = true;

    /// <summary>How long stopping the worker waits for in-flight tasks; after it, their cancellation tokens fire and unfinished messages go back to the broker. Default 10 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the worker asks the broker, over a connection of its own, whether its task queues still have a consumer;
    /// when a queue its bus consumes has had none for 3 checks in a row (a consumer the bus lost without noticing, as a
    /// broker restart can cause), the worker starts a new bus and stops the old one. Default 5 seconds; zero turns the check off.
    /// </summary>
    public TimeSpan ConsumerCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The worker's name in history (<c>WorkflowTaskStarted</c>, <c>ActivityStarted</c>). Default <c>host:pid</c>.</summary>
    public string Identity { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>The queue answers are sent to. Default <c>orchestrator-engine</c>; change it only to isolate tests or environments sharing a broker.</summary>
    public string EngineQueue { get; set; } = Contracts.Messages.QueueNames.Engine;

    /// <summary>Workflow code that runs this long without awaiting a workflow API fails its task as deadlocked. Default 2 seconds (see <see cref="WorkflowRuntimeOptions.DeadlockTimeout"/>).</summary>
    public TimeSpan DeadlockTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether to detect workflow code that leaves the workflow scheduler. Default true (see <see cref="WorkflowRuntimeOptions.DetectEscapes"/>).</summary>
    public bool DetectEscapes { get; set; } = true;

    /// <summary>Serializer of workflow and activity payloads. Default System.Text.Json web defaults. Set in code, not configuration.</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    internal WorkflowRuntimeOptions ToRuntimeOptions() => new()
    {
        JsonSerializerOptions = JsonSerializerOptions,
        DeadlockTimeout = DeadlockTimeout,
        DetectEscapes = DetectEscapes,
    };
}
