using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Testing;

/// <summary>Where a <see cref="RecordedActivity"/> stands in its history.</summary>
public enum RecordedActivityStatus
{
    /// <summary>Scheduled (or retrying): no outcome recorded yet.</summary>
    Scheduled,

    /// <summary>It returned (<c>ActivityCompleted</c>).</summary>
    Completed,

    /// <summary>It failed for good (<c>ActivityFailed</c>: a non-retryable error, or its last attempt).</summary>
    Failed,

    /// <summary>A limit of its own ended it (<c>ActivityTimedOut</c>: schedule-to-close, or a timeout on its last attempt).</summary>
    TimedOut,

    /// <summary>The workflow canceled it (<c>ActivityCanceled</c>).</summary>
    Canceled,
}

/// <summary>One activity a workflow scheduled, with its outcome, as its history records it (<see cref="WorkflowHistory.Activities"/>).</summary>
public sealed class RecordedActivity
{
    internal RecordedActivity(string name, int seq, long scheduledEventId, JsonElement input)
    {
        Name = name;
        Seq = seq;
        ScheduledEventId = scheduledEventId;
        Input = input;
    }

    /// <summary>The activity's name.</summary>
    public string Name { get; }

    /// <summary>Its sequence number in the run (the <c>#n</c> of the workflow's commands).</summary>
    public int Seq { get; }

    /// <summary>The id of its <c>ActivityScheduled</c> event.</summary>
    public long ScheduledEventId { get; }

    /// <summary>Its arguments, as JSON: an array, one item per parameter of the activity (<see cref="InputAs{T}"/> reads one).</summary>
    public JsonElement Input { get; }

    /// <summary>Where it stands.</summary>
    public RecordedActivityStatus Status { get; internal set; }

    /// <summary>The attempts it took (or has taken so far, as recorded).</summary>
    public int Attempts { get; internal set; } = 1;

    /// <summary>What it returned, as JSON (completed).</summary>
    public JsonElement? Result { get; internal set; }

    /// <summary>Its last failure: of its final attempt (failed, timed out), or of the last attempt that failed before a retry.</summary>
    public FailureInfo? Failure { get; internal set; }

    /// <summary>
    /// Canceled: how the engine closed it (<c>ActivityCanceled</c>'s detail), e.g. "The activity acknowledged the cancel request."
    /// when the attempt stopped on its token, "It completed after the cancel request; its result is dropped." when it never heard.
    /// </summary>
    public string? CancelDetail { get; internal set; }

    /// <summary>Its argument <paramref name="index"/> (the first by default) as <typeparamref name="T"/> (the client's JSON conventions).</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="index">Which argument (0: the first).</param>
    /// <returns>The argument.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The activity was called with fewer arguments.</exception>
    public T? InputAs<T>(int index = 0)
    {
        var count = Input.ValueKind == JsonValueKind.Array ? Input.GetArrayLength() : 0;
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        return Input[index].Deserialize<T>(Sdk.OrchestratorClient.JsonSerializerOptions);
    }

    /// <summary>Its result as <typeparamref name="T"/>; default when it returned nothing or has no result.</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <returns>The result.</returns>
    public T? ResultAs<T>() => Result is { ValueKind: not JsonValueKind.Null } result ? result.Deserialize<T>(Sdk.OrchestratorClient.JsonSerializerOptions) : default;

    /// <summary>The activity in brief: <c>Charge #2 (failed after 4 attempts: CardDeclinedException: declined)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Status switch
    {
        RecordedActivityStatus.Completed => $"{Name} #{Seq} (completed{Tries()})",
        RecordedActivityStatus.Scheduled => $"{Name} #{Seq} (scheduled{Tries()}{Last()})",
        RecordedActivityStatus.Canceled => $"{Name} #{Seq} (canceled{Tries()}: {CancelDetail})",
        var status => $"{Name} #{Seq} ({status.ToString().ToLowerInvariant()}{Tries()}{Last()})",
    };

    private string Tries() => Attempts == 1 ? "" : $" after {Attempts} attempts";

    private string Last() => Failure is { } f ? $": {f.Type}: {f.Message}" : "";
}
