using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Sdk.Runtime;

/// <summary>A local activity the workflow code waits for, from its call until its outcome is recorded.</summary>
internal sealed class LocalActivityCall(int seq, string name, JsonElement arguments, LocalActivityOptions options)
{
    public int Seq { get; } = seq;

    public string Name { get; } = name;

    /// <summary>The JSON array of arguments.</summary>
    public JsonElement Arguments { get; } = arguments;

    public LocalActivityOptions Options { get; } = options;

    /// <summary>The attempt to run next (1 until a back-off marker says more).</summary>
    public int Attempt { get; set; } = 1;

    /// <summary>When the first attempt began, once one has (from the back-off marker): the start of the ScheduleToCloseTimeout.</summary>
    public DateTimeOffset? FirstAttemptAt { get; set; }

    /// <summary>The seq of the durable timer the next attempt waits for, while it waits.</summary>
    public int? BackoffTimerSeq { get; set; }

    public TaskCompletionSource<JsonElement?> Completion { get; } = new();

    public LocalActivityRequest ToRequest() => new(Seq, Name, Arguments, Options, Attempt, FirstAttemptAt);
}

/// <summary>What the worker runs: a local activity from its next attempt on.</summary>
/// <param name="Seq">The call's seq.</param>
/// <param name="ActivityName">The activity's registered name.</param>
/// <param name="Arguments">The JSON array of arguments.</param>
/// <param name="Options">Timeouts and retries.</param>
/// <param name="Attempt">The first attempt to run now (more than 1 after a durable back-off).</param>
/// <param name="FirstAttemptAt">When attempt 1 began, when it did in an earlier task.</param>
internal sealed record LocalActivityRequest(int Seq, string ActivityName, JsonElement Arguments, LocalActivityOptions Options, int Attempt, DateTimeOffset? FirstAttemptAt);

/// <summary>
/// What a local activity came to in the worker (recorded as its marker): a result, a failure for good, or a failure whose
/// retry waits for a durable timer of <see cref="Backoff"/>.
/// </summary>
/// <param name="Seq">The call's seq.</param>
/// <param name="Attempts">The attempts made, the last one included.</param>
/// <param name="Result">The result (null for none or on failure).</param>
/// <param name="Failure">The last attempt's failure.</param>
/// <param name="Backoff">Set: retry after a durable timer of this length.</param>
/// <param name="FirstAttemptAt">When attempt 1 began.</param>
internal sealed record LocalActivityOutcome(int Seq, int Attempts, JsonElement? Result, FailureInfo? Failure, TimeSpan? Backoff, DateTimeOffset? FirstAttemptAt)
{
    public static LocalActivityOutcome Completed(int seq, int attempts, JsonElement? result, DateTimeOffset? firstAttemptAt) =>
        new(seq, attempts, result, null, null, firstAttemptAt);

    public static LocalActivityOutcome Failed(int seq, int attempts, FailureInfo failure, DateTimeOffset? firstAttemptAt) =>
        new(seq, attempts, null, failure, null, firstAttemptAt);

    public static LocalActivityOutcome RetryAfter(int seq, int attempts, FailureInfo failure, TimeSpan backoff, DateTimeOffset? firstAttemptAt) =>
        new(seq, attempts, null, failure, backoff, firstAttemptAt);
}
