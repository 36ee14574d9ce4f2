using System.Text.Json;

namespace Orchestrator.Sdk;

/// <summary>
/// What a running activity knows about its invocation; available as <see cref="Current"/> inside an activity method
/// (it flows with the async call, through an <see cref="AsyncLocal{T}"/>).
/// </summary>
public sealed class ActivityExecutionContext
{
    private static readonly AsyncLocal<ActivityExecutionContext?> CurrentContext = new();
    private readonly Func<ActivityExecutionContext, JsonElement?, Task>? _heartbeat;
    private readonly JsonSerializerOptions _json;

    internal ActivityExecutionContext(
        string activityName,
        string workflowId,
        string runId,
        int attempt,
        CancellationToken cancellationToken,
        Func<ActivityExecutionContext, JsonElement?, Task>? heartbeat = null,
        JsonElement? heartbeatDetails = null,
        JsonSerializerOptions? jsonSerializerOptions = null)
    {
        ActivityName = activityName;
        WorkflowId = workflowId;
        RunId = runId;
        Attempt = attempt;
        CancellationToken = cancellationToken;
        _heartbeat = heartbeat;
        LastHeartbeatDetails = heartbeatDetails;
        _json = jsonSerializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
    }

    /// <summary>The context of the activity running in this async flow.</summary>
    /// <exception cref="InvalidOperationException">Not inside an activity.</exception>
    public static ActivityExecutionContext Current =>
        CurrentContext.Value ?? throw new InvalidOperationException("ActivityExecutionContext.Current is only available inside an activity method.");

    /// <summary>Whether code runs inside an activity (so <see cref="Current"/> is available).</summary>
    public static bool HasCurrent => CurrentContext.Value is not null;

    /// <summary>The activity name.</summary>
    public string ActivityName { get; }

    /// <summary>The id of the workflow that scheduled the activity.</summary>
    public string WorkflowId { get; }

    /// <summary>The run id of the workflow that scheduled the activity.</summary>
    public string RunId { get; }

    /// <summary>This attempt (1 for the first).</summary>
    public int Attempt { get; }

    /// <summary>Cancelled when the attempt should stop (timeout, workflow closed, worker shutting down).</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The details of the last heartbeat recorded by an earlier attempt, as JSON.</summary>
    internal JsonElement? LastHeartbeatDetails { get; }

    /// <summary>Reports that the activity is alive, with optional progress details a later attempt can read with <see cref="HeartbeatDetails{T}"/>.</summary>
    /// <param name="details">Progress details (JSON-serializable), or null.</param>
    /// <returns>A task that completes when the heartbeat has been handed to the worker host.</returns>
    public Task HeartbeatAsync(object? details = null)
    {
        if (_heartbeat is null)
        {
            return Task.CompletedTask;
        }
        JsonElement? json = details is null ? null : JsonSerializer.SerializeToElement(details, details.GetType(), _json);
        return _heartbeat(this, json);
    }

    /// <summary>The details of the last heartbeat of an earlier attempt, or default when there are none.</summary>
    /// <typeparam name="T">The details' type.</typeparam>
    /// <returns>The details.</returns>
    public T? HeartbeatDetails<T>() =>
        LastHeartbeatDetails is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } json ? json.Deserialize<T>(_json) : default;

    internal static ActivityExecutionContext? Swap(ActivityExecutionContext? context)
    {
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return previous;
    }
}
