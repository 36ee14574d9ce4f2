using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.History;

/// <summary>
/// The <c>details</c> of a <c>MarkerRecorded</c> whose <c>markerName</c> is <c>"localActivity"</c> (<see cref="MarkerName"/>):
/// what a local activity came to, recorded once by the worker that ran it; replay reads it instead of running the activity.
/// Either its outcome (a <paramref name="Result"/>, or a <paramref name="Failure"/> without <paramref name="Backoff"/>: it failed
/// for good), or a failed attempt whose retry waits for a durable timer (<paramref name="Backoff"/> and
/// <paramref name="TimerSeq"/>), after which the activity goes on and is recorded again. JSON:
/// <c>{"seq","activityName","attempts","result"?,"failure"?,"backoff"?,"timerSeq"?,"firstAttemptAt"?}</c>.
/// </summary>
/// <param name="Seq">The call's sequence number (shared with activities, timers and children); the marker is matched by it on replay.</param>
/// <param name="ActivityName">The activity's name.</param>
/// <param name="Attempts">The attempts made so far, the last one included.</param>
/// <param name="Result">The activity's JSON result (left out for none or a failure).</param>
/// <param name="Failure">The last attempt's failure.</param>
/// <param name="Backoff">Set when the activity is retried after a durable timer of this length.</param>
/// <param name="TimerSeq">The seq of that timer (its <c>TimerStarted</c> follows the marker).</param>
/// <param name="FirstAttemptAt">When the first attempt began (the worker's clock): the start of its ScheduleToCloseTimeout.</param>
public sealed record LocalActivityMarkerDetails(
    int Seq,
    string ActivityName,
    int Attempts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Result = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FailureInfo? Failure = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TimeSpan? Backoff = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TimerSeq = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? FirstAttemptAt = null)
{
    /// <summary>The marker name of local activity markers.</summary>
    public const string MarkerName = "localActivity";
}
