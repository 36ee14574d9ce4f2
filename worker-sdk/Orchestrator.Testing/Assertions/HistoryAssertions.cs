using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.Testing;

/// <summary>
/// One-line checks of a run's history, chained (each returns this), with no test framework behind them: a check that does
/// not hold throws <see cref="WorkflowAssertionException"/>, whose message says what was expected, what the history holds
/// instead, and the history in brief.
/// <code>
/// await env.AssertHistoryAsync("o-1", h => h
///     .Completed()
///     .ActivitiesInOrder("Reserve", "Charge", "Ship")
///     .ActivityAttempts("Charge", 2)
///     .NoActivity("Refund")
///     .TimerFired(TimeSpan.FromDays(30)));
/// </code>
/// </summary>
public sealed class HistoryAssertions
{
    internal HistoryAssertions(WorkflowHistory history) => History = history;

    /// <summary>The history checked.</summary>
    public WorkflowHistory History { get; }

    /// <summary>The run is still open.</summary>
    /// <returns>This.</returns>
    public HistoryAssertions Running() =>
        History.CloseEvent is { } close ? Fail($"Expected workflow '{History.WorkflowId}' to be running, but it closed with {close.EventType} (event {close.EventId}).") : this;

    /// <summary>The run completed (<c>WorkflowCompleted</c>).</summary>
    /// <returns>This.</returns>
    public HistoryAssertions Completed() => Closed(EventTypes.WorkflowCompleted);

    /// <summary>The run completed with a result equal to <paramref name="expected"/> (compared as JSON, so records and lists compare by value).</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="expected">The result expected.</param>
    /// <returns>This.</returns>
    public HistoryAssertions CompletedWith<T>(T expected)
    {
        var close = Closed(EventTypes.WorkflowCompleted).History.CloseEvent!;
        var result = close.GetAttributes<WorkflowCompletedAttributes>().Result;
        var json = OrchestratorClient.JsonSerializerOptions;
        var actual = result is { } r ? JsonSerializer.SerializeToElement(r.Deserialize<T>(json), json) : JsonSerializer.SerializeToElement<T?>(default, json);
        var wanted = JsonSerializer.SerializeToElement(expected, json);
        return JsonElement.DeepEquals(actual, wanted)
            ? this
            : Fail($"Expected workflow '{History.WorkflowId}' to complete with {wanted.GetRawText()}, but it completed with {result?.GetRawText() ?? "no result"}.");
    }

    /// <summary>The run failed (<c>WorkflowFailed</c>); with <paramref name="errorType"/>, with a failure of that type (the exception's class name).</summary>
    /// <param name="errorType">The failure's type, e.g. <c>"CardDeclinedException"</c>; null for any.</param>
    /// <returns>This.</returns>
    public HistoryAssertions Failed(string? errorType = null)
    {
        var failure = Closed(EventTypes.WorkflowFailed).History.CloseEvent!.GetAttributes<WorkflowFailedAttributes>().Failure;
        return errorType is null || failure.Type == errorType
            ? this
            : Fail($"Expected workflow '{History.WorkflowId}' to fail with {errorType}, but it failed with {failure.Type}: {failure.Message}");
    }

    /// <summary>The run closed Canceled (<c>WorkflowCanceled</c>).</summary>
    /// <returns>This.</returns>
    public HistoryAssertions Canceled() => Closed(EventTypes.WorkflowCanceled);

    /// <summary>The run was terminated (<c>WorkflowTerminated</c>: by a client, or by its parent's close policy).</summary>
    /// <returns>This.</returns>
    public HistoryAssertions Terminated() => Closed(EventTypes.WorkflowTerminated);

    /// <summary>The run continued as new (<c>WorkflowContinuedAsNew</c>).</summary>
    /// <returns>This.</returns>
    public HistoryAssertions ContinuedAsNew() => Closed(EventTypes.WorkflowContinuedAsNew);

    /// <summary>The run timed out (<c>WorkflowTimedOut</c>).</summary>
    /// <returns>This.</returns>
    public HistoryAssertions TimedOut() => Closed(EventTypes.WorkflowTimedOut);

    /// <summary>Activity <paramref name="name"/> completed: at least once, or exactly <paramref name="times"/> times.</summary>
    /// <param name="name">The activity's name.</param>
    /// <param name="times">How many of its schedulings completed; null for at least one.</param>
    /// <returns>This.</returns>
    public HistoryAssertions ActivityCompleted(string name, int? times = null)
    {
        var count = History.Activities.Count(a => a.Name == name && a.Status == RecordedActivityStatus.Completed);
        if (times is { } exact ? count == exact : count > 0)
        {
            return this;
        }
        var expected = times is { } n ? $"to complete {Times(n)}" : "to complete";
        return Fail($"Expected activity '{name}' of '{History.WorkflowId}' {expected}, but it completed {Times(count)}. {ActivitiesText()}");
    }

    /// <summary>Activity <paramref name="name"/> failed for good (<c>ActivityFailed</c>); with <paramref name="errorType"/>, with that failure type.</summary>
    /// <param name="name">The activity's name.</param>
    /// <param name="errorType">The failure's type (the activity's exception class name); null for any.</param>
    /// <returns>This.</returns>
    public HistoryAssertions ActivityFailed(string name, string? errorType = null) =>
        History.Activities.Any(a => a.Name == name && a.Status == RecordedActivityStatus.Failed && (errorType is null || a.Failure?.Type == errorType))
            ? this
            : Fail($"Expected activity '{name}' of '{History.WorkflowId}' to fail{(errorType is null ? "" : $" with {errorType}")}, but it did not. {ActivitiesText()}");

    /// <summary>
    /// Activity <paramref name="name"/> was canceled by its workflow (<c>ActivityCanceled</c>, after an <c>ActivityCancelRequested</c>);
    /// with <paramref name="acknowledged"/>, only if its attempt stopped on its token (true) or never did (false: it completed,
    /// failed or timed out after the request, or no attempt ran).
    /// </summary>
    /// <param name="name">The activity's name.</param>
    /// <param name="acknowledged">Whether the attempt stopped on the cancel request; null for either.</param>
    /// <returns>This.</returns>
    public HistoryAssertions ActivityCanceled(string name, bool? acknowledged = null)
    {
        if (History.Activities.Any(a => a.Name == name && a.Status == RecordedActivityStatus.Canceled
            && (acknowledged is not { } stopped || (a.CancelDetail == AcknowledgedDetail) == stopped)))
        {
            return this;
        }
        var how = acknowledged switch
        {
            true => " (its attempt stopping on the request)",
            false => " (without its attempt stopping on the request)",
            null => "",
        };
        return Fail($"Expected activity '{name}' of '{History.WorkflowId}' to be canceled{how}, but it was not. {ActivitiesText()}");
    }

    /// <summary>The engine's detail of an <c>ActivityCanceled</c> whose attempt stopped on the cancel request.</summary>
    private const string AcknowledgedDetail = "The activity acknowledged the cancel request.";

    /// <summary>The first activity named <paramref name="name"/> took exactly <paramref name="attempts"/> attempts (retries show here).</summary>
    /// <param name="name">The activity's name.</param>
    /// <param name="attempts">The attempts expected (1: no retry).</param>
    /// <returns>This.</returns>
    public HistoryAssertions ActivityAttempts(string name, int attempts)
    {
        if (History.Activities.FirstOrDefault(a => a.Name == name) is not { } activity)
        {
            return Fail($"Expected activity '{name}' of '{History.WorkflowId}' to take {attempts} attempt(s), but it was never scheduled. {ActivitiesText()}");
        }
        return activity.Attempts == attempts
            ? this
            : Fail($"Expected activity '{name}' of '{History.WorkflowId}' to take {attempts} attempt(s), but it took {activity.Attempts}: {activity}. {ActivitiesText()}");
    }

    /// <summary>Activity <paramref name="name"/> was never scheduled.</summary>
    /// <param name="name">The activity's name.</param>
    /// <returns>This.</returns>
    public HistoryAssertions NoActivity(string name) =>
        History.Activities.FirstOrDefault(a => a.Name == name) is { } activity
            ? Fail($"Expected no activity '{name}' in '{History.WorkflowId}', but it was scheduled (event {activity.ScheduledEventId}): {activity}. {ActivitiesText()}")
            : this;

    /// <summary>
    /// The run scheduled these activities in this order (others may come between and around them): a saga's steps, then its
    /// compensations in reverse.
    /// </summary>
    /// <param name="names">The activity names, in order.</param>
    /// <returns>This.</returns>
    public HistoryAssertions ActivitiesInOrder(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var next = 0;
        foreach (var activity in History.Activities)
        {
            if (next < names.Length && activity.Name == names[next])
            {
                next++;
            }
        }
        return next == names.Length
            ? this
            : Fail($"Expected '{History.WorkflowId}' to schedule {string.Join(", ", names)} in this order, but '{names[next]}' does not follow"
                + $"{(next == 0 ? " the start" : $" '{names[next - 1]}'")}. It scheduled: {string.Join(", ", History.Activities.Select(a => a.Name))}.");
    }

    /// <summary>A durable timer fired (of <paramref name="duration"/>, when given).</summary>
    /// <param name="duration">The timer's duration; null for any timer.</param>
    /// <returns>This.</returns>
    public HistoryAssertions TimerFired(TimeSpan? duration = null)
    {
        var fired = History.EventsOf(EventTypes.TimerFired).Select(e => e.GetAttributes<TimerFiredAttributes>().StartedEventId).ToHashSet();
        var timers = History.EventsOf(EventTypes.TimerStarted).Select(e => (e.EventId, e.GetAttributes<TimerStartedAttributes>().Duration)).ToList();
        return timers.Any(t => fired.Contains(t.EventId) && (duration is null || t.Duration == duration))
            ? this
            : Fail($"Expected a timer{(duration is { } d ? $" of {d}" : "")} of '{History.WorkflowId}' to fire, but none did. Timers: "
                + (timers.Count == 0 ? "none." : string.Join(", ", timers.Select(t => $"{t.Duration} ({(fired.Contains(t.EventId) ? "fired" : "not fired")})")) + "."));
    }

    /// <summary>The run received signal <paramref name="signalName"/> (from a client, or another workflow).</summary>
    /// <param name="signalName">The signal's name.</param>
    /// <returns>This.</returns>
    public HistoryAssertions SignalReceived(string signalName) =>
        HasEvent(EventTypes.SignalReceived, e => e.GetAttributes<SignalReceivedAttributes>().SignalName == signalName, $"signal '{signalName}'");

    /// <summary>The run started a child workflow of type <paramref name="workflowType"/>.</summary>
    /// <param name="workflowType">The child's workflow type.</param>
    /// <returns>This.</returns>
    public HistoryAssertions ChildWorkflowStarted(string workflowType) =>
        HasEvent(EventTypes.ChildWorkflowStarted, e => e.GetAttributes<ChildWorkflowStartedAttributes>().WorkflowType == workflowType, $"child workflow {workflowType}");

    /// <summary>An update named <paramref name="updateName"/> was accepted and its handler returned (no failure).</summary>
    /// <param name="updateName">The update's name.</param>
    /// <returns>This.</returns>
    public HistoryAssertions UpdateCompleted(string updateName)
    {
        var ids = History.EventsOf(EventTypes.WorkflowUpdateAccepted).Select(e => e.GetAttributes<WorkflowUpdateAcceptedAttributes>())
            .Where(a => a.Name == updateName).Select(a => a.UpdateId).ToHashSet(StringComparer.Ordinal);
        return HasEvent(EventTypes.WorkflowUpdateCompleted, e => e.GetAttributes<WorkflowUpdateCompletedAttributes>() is { Failure: null } c && ids.Contains(c.UpdateId),
            $"update '{updateName}' completed");
    }

    /// <summary>
    /// The run's last upsert of search attribute <paramref name="name"/> set it to <paramref name="value"/> (compared as JSON;
    /// null: it removed it). Times are compared as the engine stores them (UTC, <c>2026-11-01T00:00:00.000000Z</c>).
    /// </summary>
    /// <param name="name">The attribute's name.</param>
    /// <param name="value">The value expected.</param>
    /// <returns>This.</returns>
    public HistoryAssertions SearchAttributeUpserted(string name, object? value)
    {
        var last = History.EventsOf(EventTypes.SearchAttributesUpserted).Select(e => e.GetAttributes<SearchAttributesUpsertedAttributes>().SearchAttributes)
            .LastOrDefault(a => a.ContainsKey(name));
        if (last is null)
        {
            return Fail($"Expected '{History.WorkflowId}' to upsert search attribute '{name}', but it never did.");
        }
        var wanted = JsonSerializer.SerializeToElement(value, OrchestratorClient.JsonSerializerOptions);
        var actual = last[name] ?? JsonSerializer.SerializeToElement<object?>(null);
        return JsonElement.DeepEquals(actual, wanted)
            ? this
            : Fail($"Expected '{History.WorkflowId}' to upsert search attribute '{name}' as {wanted.GetRawText()}, but its last upsert set {actual.GetRawText()}.");
    }

    /// <summary>The history has an event of <paramref name="eventType"/> (that <paramref name="match"/> accepts, when given).</summary>
    /// <param name="eventType">An <see cref="EventTypes"/> name.</param>
    /// <param name="match">A condition on the event; null for any of the type.</param>
    /// <param name="description">What the condition means, for the message.</param>
    /// <returns>This.</returns>
    public HistoryAssertions HasEvent(string eventType, Func<HistoryEvent, bool>? match = null, string? description = null) =>
        History.EventsOf(eventType).Any(e => match is null || match(e))
            ? this
            : Fail($"Expected '{History.WorkflowId}' to have a {eventType}{(description is null ? "" : $" ({description})")}, but it has none.");

    /// <summary>The history has no event of <paramref name="eventType"/> (that <paramref name="match"/> accepts, when given).</summary>
    /// <param name="eventType">An <see cref="EventTypes"/> name.</param>
    /// <param name="match">A condition on the event; null for any of the type.</param>
    /// <param name="description">What the condition means, for the message.</param>
    /// <returns>This.</returns>
    public HistoryAssertions HasNoEvent(string eventType, Func<HistoryEvent, bool>? match = null, string? description = null) =>
        History.EventsOf(eventType).FirstOrDefault(e => match is null || match(e)) is { } found
            ? Fail($"Expected '{History.WorkflowId}' to have no {eventType}{(description is null ? "" : $" ({description})")}, but event {found.EventId} is one.")
            : this;

    private HistoryAssertions Closed(string eventType) => History.CloseEvent switch
    {
        { EventType: var type } when type == eventType => this,
        null => Fail($"Expected workflow '{History.WorkflowId}' to close with {eventType}, but it is still running."),
        var close => Fail($"Expected workflow '{History.WorkflowId}' to close with {eventType}, but it closed with {close.EventType}{Reason(close)}."),
    };

    private static string Reason(HistoryEvent close) => close.EventType switch
    {
        EventTypes.WorkflowFailed => $" ({close.GetAttributes<WorkflowFailedAttributes>().Failure.Type}: {close.GetAttributes<WorkflowFailedAttributes>().Failure.Message})",
        EventTypes.WorkflowTerminated when close.GetAttributes<WorkflowTerminatedAttributes>().Reason is { } reason => $" ({reason})",
        _ => "",
    };

    private string ActivitiesText() =>
        History.Activities.Count == 0 ? "It scheduled no activity." : $"Its activities: {string.Join(", ", History.Activities)}.";

    private static string Times(int n) => n == 1 ? "once" : $"{n} times";

    private HistoryAssertions Fail(string message) => throw new WorkflowAssertionException(message + "\n" + History);
}
