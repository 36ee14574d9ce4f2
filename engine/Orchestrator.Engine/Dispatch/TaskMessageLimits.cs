namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// How much history one workflow task message carries. Past either limit it carries no events and the worker fetches the
/// run's history from the engine (<c>GET .../history</c>, paged), as it does when its cached instance does not line up:
/// a burst of large signals or many large activity inputs never becomes one giant message (RabbitMQ refuses messages over
/// its <c>max_message_size</c>, 16 MiB by default since RabbitMQ 4.0, 128 MiB before).
/// </summary>
internal static class TaskMessageLimits
{
    /// <summary>Most events a workflow task message carries.</summary>
    public const int MaxEvents = 1000;

    /// <summary>Most bytes of event attributes (UTF-8 JSON) a workflow task message carries: 4 MiB.</summary>
    public const long MaxBytes = 4 * 1024 * 1024;
}
