using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Api;
using Orchestrator.Engine.Visibility;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Checks what a worker sends before the engine applies it, with the REST API's rules (<see cref="ApiLimits"/>) where they
/// apply: names, workflow ids, payload sizes, sequence numbers, durations and retry policies. A workflow task whose commands
/// break a rule fails (<c>WorkflowTaskFailed</c>, type <see cref="InvalidCommandType"/>) and is retried with back-off, as
/// Temporal does, instead of becoming a message nobody can apply.
/// </summary>
internal static class CommandValidator
{
    /// <summary>The failure type of a workflow task whose commands break a rule.</summary>
    public const string InvalidCommandType = "InvalidCommand";

    /// <summary>Largest input, result, marker details or signal payload (UTF-8 bytes of its JSON): the REST body limit.</summary>
    public const long MaxPayloadBytes = ApiLimits.MaxBodyBytes;

    /// <summary>Most commands one workflow task may answer.</summary>
    public const int MaxCommands = 10_000;

    /// <summary>Most unconsumed signals a continue-as-new may carry over.</summary>
    public const int MaxCarriedSignals = 10_000;

    /// <summary>Longest timer, timeout or retry interval (so every deadline the engine computes is a valid time).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_500);

    /// <summary>Largest failure text kept (message and stack trace each, per level); longer text is cut.</summary>
    public const int MaxFailureTextLength = 32 * 1024;

    private const int MaxFailureDepth = 8;
    private const int MaxNonRetryableTypes = 100;

    /// <summary>Null when every command may be applied, else what is wrong: the command (position, kind, seq) and the rule.</summary>
    /// <param name="commands">The answer's commands.</param>
    /// <param name="searchAttributeTypes">The registered search attributes (an upsert may name only these); null: none.</param>
    /// <param name="searchAttributes">The run's search attributes as stored (upserts are checked against what they add up to).</param>
    public static string? Check(IReadOnlyList<WorkflowCommand?>? commands, IReadOnlyDictionary<string, SearchAttributeType>? searchAttributeTypes = null,
        string? searchAttributes = null)
    {
        if (commands is null)
        {
            return "The answer has no command list.";
        }
        if (commands.Count > MaxCommands)
        {
            return $"The answer has {commands.Count} commands; at most {MaxCommands} are allowed.";
        }
        var seqs = new Dictionary<int, int>();
        var updates = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            var where = command is null ? $"Command {i + 1}" : $"Command {i + 1} ({Kind(command)}{(Seq(command) is { } s ? $", seq {s}" : "")})";
            if ((command is null ? "it is null." : CheckOne(command)) is { } error)
            {
                return $"{where}: {error}";
            }
            if (command is UpsertSearchAttributesCommand upsert)
            {
                if (upsert.SearchAttributes is null || upsert.SearchAttributes.Count == 0)
                {
                    return $"{where}: 'searchAttributes' must name at least one attribute.";
                }
                if (SearchAttributeRules.Merge(upsert.SearchAttributes, searchAttributeTypes ?? new Dictionary<string, SearchAttributeType>(), searchAttributes,
                        allowRemove: true, out searchAttributes, out _) is { } invalid)
                {
                    return $"{where}: {invalid}";
                }
            }
            if (command is ContinueInNewTaskCommand && LocalActivityRules.CheckContinue(commands, i) is { } misplaced)
            {
                return $"{where}: {misplaced}";
            }
            if (command is CompleteUpdateCommand complete && !updates.TryAdd(complete.UpdateId, i + 1))
            {
                return $"{where}: update '{complete.UpdateId}' is already completed by command {updates[complete.UpdateId]} of this answer.";
            }
            if (command is ScheduleActivityCommand or StartTimerCommand or StartChildWorkflowCommand or SignalExternalWorkflowCommand
                    or RequestCancelExternalWorkflowCommand && Seq(command) is { } seq
                && !seqs.TryAdd(seq, i + 1))
            {
                return $"{where}: seq {seq} is already used by command {seqs[seq]} of this answer.";
            }
        }
        return null;
    }

    private static string? CheckOne(WorkflowCommand command) => command switch
    {
        ScheduleActivityCommand c => CheckSeq(c.Seq)
            ?? ApiLimits.CheckName("activityName", c.ActivityName, required: true)
            ?? ApiLimits.CheckName("taskQueue", c.TaskQueue, required: false)
            ?? (c.Input.ValueKind == JsonValueKind.Array ? CheckPayload("input", c.Input) : "'input' must be a JSON array of the arguments.")
            ?? CheckDuration("startToCloseTimeout", c.StartToCloseTimeout)
            ?? CheckDuration("scheduleToCloseTimeout", c.ScheduleToCloseTimeout)
            ?? CheckDuration("scheduleToStartTimeout", c.ScheduleToStartTimeout)
            ?? CheckDuration("heartbeatTimeout", c.HeartbeatTimeout)
            ?? CheckRetryPolicy(c.RetryPolicy),
        StartTimerCommand c => CheckSeq(c.Seq) ?? CheckDuration("duration", c.Duration),
        CancelTimerCommand c => CheckSeq(c.Seq),
        RequestCancelActivityCommand c => CheckSeq(c.Seq),
        StartChildWorkflowCommand c => CheckSeq(c.Seq)
            ?? ApiLimits.CheckName("workflowType", c.WorkflowType, required: true)
            ?? (c.WorkflowId is null ? "'workflowId' is required." : ApiLimits.CheckWorkflowId(c.WorkflowId))
            ?? ApiLimits.CheckName("taskQueue", c.TaskQueue, required: false)
            ?? CheckPayload("input", c.Input)
            ?? (c.ParentClosePolicy is null or "Terminate" or "RequestCancel" or "Abandon"
                ? null
                : "'parentClosePolicy' must be 'Terminate', 'RequestCancel' or 'Abandon'.")
            ?? CheckDuration("runTimeout", c.RunTimeout)
            ?? CheckDuration("executionTimeout", c.ExecutionTimeout)
            ?? CheckRetryPolicy(c.RetryPolicy)
            ?? (c.IdReusePolicy is null or "AllowDuplicate" or "AllowDuplicateFailedOnly" or "RejectDuplicate"
                ? null
                : "'idReusePolicy' must be 'AllowDuplicate', 'AllowDuplicateFailedOnly' or 'RejectDuplicate'."),
        RecordMarkerCommand c => CheckMarkerName(c.MarkerName) ?? CheckPayload("details", c.Details) ?? LocalActivityRules.CheckMarker(c),
        CompleteWorkflowCommand c => CheckPayload("result", c.Result),
        FailWorkflowCommand c => c.Failure is null ? "'failure' is required." : CheckFailure(c.Failure),
        CancelWorkflowCommand => null,
        ContinueAsNewCommand c => CheckPayload("input", c.Input) ?? CheckSignals(c.Signals),
        UpsertSearchAttributesCommand => null, // checked with the registry and the run's attributes in Check
        CompleteUpdateCommand c => ApiLimits.CheckName("updateId", c.UpdateId, required: true)
            ?? CheckPayload("result", c.Result)
            ?? (c.Failure is null ? null : CheckFailure(c.Failure)),
        SignalExternalWorkflowCommand c => CheckSeq(c.Seq)
            ?? (c.WorkflowId is null ? "'workflowId' is required." : ApiLimits.CheckWorkflowId(c.WorkflowId))
            ?? ApiLimits.CheckName("signalName", c.SignalName, required: true)
            ?? CheckPayload("input", c.Input),
        RequestCancelExternalWorkflowCommand c => CheckSeq(c.Seq)
            ?? (c.WorkflowId is null ? "'workflowId' is required." : ApiLimits.CheckWorkflowId(c.WorkflowId))
            ?? (c.Reason is { Length: > MaxFailureTextLength } ? $"'reason' is longer than {MaxFailureTextLength} characters." : null),
        ContinueInNewTaskCommand => null, // where it stands: checked in Check
        _ => $"'{command.GetType().Name}' is not a command the engine knows.",
    };

    /// <summary>Null when <paramref name="value"/> (a JSON value or none) is at most <see cref="MaxPayloadBytes"/>, else the rule.</summary>
    public static string? CheckPayload(string what, JsonElement? value)
    {
        if (value is not { } v)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Undefined)
        {
            return $"'{what}' is not a JSON value.";
        }
        var bytes = Encoding.UTF8.GetByteCount(v.GetRawText());
        return bytes > MaxPayloadBytes ? $"'{what}' has {bytes} bytes; at most {MaxPayloadBytes} are allowed." : null;
    }

    /// <summary>
    /// A failure a worker reported, cut to size: type, message and stack trace at most <see cref="MaxFailureTextLength"/>
    /// characters, at most a few inner failures. Reports of failures are never refused, only bounded.
    /// </summary>
    public static FailureInfo Bounded(FailureInfo? failure, int depth = 0)
    {
        if (failure is null)
        {
            return new FailureInfo("Unknown", "The worker reported a failure without details.");
        }
        var type = string.IsNullOrEmpty(failure.Type) ? "Unknown" : Cut(failure.Type, ApiLimits.MaxNameLength);
        var inner = failure.Inner is not null && depth < MaxFailureDepth ? Bounded(failure.Inner, depth + 1) : null;
        return new FailureInfo(type, Cut(failure.Message ?? "", MaxFailureTextLength),
            failure.StackTrace is null ? null : Cut(failure.StackTrace, MaxFailureTextLength), inner);
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length] + " [cut]";

    private static string? CheckSeq(int seq) => seq > 0 ? null : "'seq' must be a positive number.";

    private static string? CheckDuration(string what, TimeSpan? value) =>
        value is { } d && (d < TimeSpan.Zero || d > MaxDuration) ? $"'{what}' must be between 0 and {MaxDuration.TotalDays:0} days." : null;

    private static string? CheckMarkerName(string? name) =>
        string.IsNullOrEmpty(name) ? "'markerName' is required."
        : name.Length > ApiLimits.MaxNameLength ? $"'markerName' is longer than {ApiLimits.MaxNameLength} characters."
        : name.Any(char.IsControl) ? "'markerName' may not contain control characters."
        : null;

    private static string? CheckFailure(FailureInfo failure)
    {
        if (string.IsNullOrEmpty(failure.Type) || failure.Message is null)
        {
            return "'failure' needs a type and a message.";
        }
        var bytes = Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(failure, Contracts.History.HistoryJson.Options));
        return bytes > MaxPayloadBytes ? $"'failure' has {bytes} bytes; at most {MaxPayloadBytes} are allowed." : null;
    }

    private static string? CheckRetryPolicy(RetryPolicyInfo? policy)
    {
        if (policy is null)
        {
            return null;
        }
        var interval = CheckDuration("retryPolicy.initialInterval", policy.InitialInterval) ?? CheckDuration("retryPolicy.maximumInterval", policy.MaximumInterval);
        if (interval is not null)
        {
            return interval;
        }
        if (!double.IsFinite(policy.BackoffCoefficient) || policy.BackoffCoefficient < 1)
        {
            return "'retryPolicy.backoffCoefficient' must be a number >= 1.";
        }
        if (policy.MaximumAttempts < 0)
        {
            return "'retryPolicy.maximumAttempts' must be >= 0 (0: unlimited).";
        }
        if (policy.NonRetryableErrorTypes is null || policy.NonRetryableErrorTypes.Count > MaxNonRetryableTypes
            || policy.NonRetryableErrorTypes.Any(t => string.IsNullOrEmpty(t) || t.Length > ApiLimits.MaxNameLength))
        {
            return $"'retryPolicy.nonRetryableErrorTypes' must be a list of at most {MaxNonRetryableTypes} names of 1 to {ApiLimits.MaxNameLength} characters.";
        }
        return policy.Jitter is null || policy.Jitter.Equals("None", StringComparison.OrdinalIgnoreCase) || policy.Jitter.Equals("Full", StringComparison.OrdinalIgnoreCase)
            ? null
            : "'retryPolicy.jitter' must be 'None' or 'Full'.";
    }

    private static string? CheckSignals(IReadOnlyList<Contracts.History.SignalReceivedAttributes?>? signals)
    {
        if (signals is null)
        {
            return null;
        }
        if (signals.Count > MaxCarriedSignals)
        {
            return $"'signals' has {signals.Count} signals; at most {MaxCarriedSignals} are carried over.";
        }
        for (var i = 0; i < signals.Count; i++)
        {
            if ((signals[i] is not { } s ? "it is null." : ApiLimits.CheckName("signalName", s.SignalName, required: true) ?? CheckPayload("input", s.Input))
                is { } error)
            {
                return $"signal {i + 1} carried over: {error}";
            }
        }
        return null;
    }

    private static string Kind(WorkflowCommand command)
    {
        var name = command.GetType().Name;
        return name.EndsWith("Command", StringComparison.Ordinal) ? name[..^"Command".Length] : name;
    }

    private static int? Seq(WorkflowCommand command) => command switch
    {
        ScheduleActivityCommand c => c.Seq,
        StartTimerCommand c => c.Seq,
        CancelTimerCommand c => c.Seq,
        RequestCancelActivityCommand c => c.Seq,
        StartChildWorkflowCommand c => c.Seq,
        SignalExternalWorkflowCommand c => c.Seq,
        RequestCancelExternalWorkflowCommand c => c.Seq,
        _ => null,
    };
}
