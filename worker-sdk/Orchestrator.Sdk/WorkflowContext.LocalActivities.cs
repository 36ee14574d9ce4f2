using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk;

/// <summary>Local activities and side effects: work done by the worker inside the workflow task, recorded once as markers, replayed from them.</summary>
public sealed partial class WorkflowContext
{
    /// <summary>
    /// Runs <paramref name="func"/> once, the first time the code reaches this call, and records its value in history (a
    /// <c>sideEffect</c> marker); on replay returns the recorded value without calling it, whatever it would return now. For
    /// a small non-deterministic value (a random token, a machine's name) that needs no activity: no I/O that can fail or
    /// take long, since it runs on the workflow's thread and is not retried. One that throws fails the workflow task (not the
    /// workflow): the engine retries the task and the function runs again; nothing is recorded.
    /// </summary>
    /// <typeparam name="T">The value's type (JSON-serializable; the value returned went through JSON, on replay as the first time).</typeparam>
    /// <param name="func">The function; it must not call workflow APIs.</param>
    /// <returns>The value, as recorded.</returns>
    public T SideEffect<T>(Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        var value = _state.SideEffect(() => JsonSerializer.SerializeToElement(func(), _state.Json));
        return Payloads.Deserialize<T>(value, _state.Json)!;
    }

    /// <summary>
    /// Runs an activity given as a call expression, e.g. <c>(Hashing h) =&gt; h.HashAsync(doc)</c>, as a <b>local activity</b>:
    /// in this worker, inside the workflow task, with no round trip through the engine, and records its result once (a
    /// <c>localActivity</c> marker); replay uses the recorded result and never runs it again. For short, idempotent work.
    /// </summary>
    /// <typeparam name="TActivities">The activities class (registered on this worker).</typeparam>
    /// <typeparam name="TResult">The activity's result type.</typeparam>
    /// <param name="call">The call; its arguments are evaluated now.</param>
    /// <param name="options">Timeouts and retries; null = the defaults of <see cref="LocalActivityOptions"/>.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ActivityFailedException">The activity failed for good (its retries used up) or timed out.</exception>
    public async Task<TResult> ExecuteLocalActivityAsync<TActivities, TResult>(Expression<Func<TActivities, Task<TResult>>> call, LocalActivityOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        ArgumentNullException.ThrowIfNull(call);
        _state.EnsureOnScheduler("ExecuteLocalActivityAsync");
        var (name, arguments) = ActivityCall.Parse(call, _state.Json);
        var result = await _state.ScheduleLocalActivity(name, arguments, options ?? LocalActivityOptions.Default, new CodeLocation(callerFilePath, callerLineNumber));
        return Payloads.Deserialize<TResult>(result, _state.Json)!;
    }

    /// <summary>Runs an activity without a result given as a call expression as a local activity (see <see cref="ExecuteLocalActivityAsync{TActivities, TResult}"/>).</summary>
    /// <typeparam name="TActivities">The activities class (registered on this worker).</typeparam>
    /// <param name="call">The call; its arguments are evaluated now.</param>
    /// <param name="options">Timeouts and retries; null = the defaults of <see cref="LocalActivityOptions"/>.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>A task that completes when the activity has.</returns>
    /// <exception cref="ActivityFailedException">The activity failed for good (its retries used up) or timed out.</exception>
    public Task ExecuteLocalActivityAsync<TActivities>(Expression<Func<TActivities, Task>> call, LocalActivityOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        ArgumentNullException.ThrowIfNull(call);
        _state.EnsureOnScheduler("ExecuteLocalActivityAsync");
        var (name, arguments) = ActivityCall.Parse(call, _state.Json);
        return _state.ScheduleLocalActivity(name, arguments, options ?? LocalActivityOptions.Default, new CodeLocation(callerFilePath, callerLineNumber));
    }

    /// <summary>Runs an activity by name as a local activity and returns its result (see <see cref="ExecuteLocalActivityAsync{TActivities, TResult}"/>).</summary>
    /// <typeparam name="TResult">The activity's result type.</typeparam>
    /// <param name="activityName">The activity name (registered on this worker).</param>
    /// <param name="input">The single argument, or null for an activity without parameters.</param>
    /// <param name="options">Timeouts and retries; null = the defaults of <see cref="LocalActivityOptions"/>.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ActivityFailedException">The activity failed for good (its retries used up) or timed out.</exception>
    public async Task<TResult> ExecuteLocalActivityAsync<TResult>(string activityName, object? input = null, LocalActivityOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        var result = await LocalByName(activityName, input, options, new CodeLocation(callerFilePath, callerLineNumber));
        return Payloads.Deserialize<TResult>(result, _state.Json)!;
    }

    /// <summary>Runs an activity by name as a local activity, without a result (see <see cref="ExecuteLocalActivityAsync{TActivities, TResult}"/>).</summary>
    /// <param name="activityName">The activity name (registered on this worker).</param>
    /// <param name="input">The single argument, or null for an activity without parameters.</param>
    /// <param name="options">Timeouts and retries; null = the defaults of <see cref="LocalActivityOptions"/>.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>A task that completes when the activity has.</returns>
    /// <exception cref="ActivityFailedException">The activity failed for good (its retries used up) or timed out.</exception>
    public Task ExecuteLocalActivityAsync(string activityName, object? input = null, LocalActivityOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0) =>
        LocalByName(activityName, input, options, new CodeLocation(callerFilePath, callerLineNumber));

    private Task<JsonElement?> LocalByName(string activityName, object? input, LocalActivityOptions? options, CodeLocation site)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityName);
        _state.EnsureOnScheduler("ExecuteLocalActivityAsync");
        var arguments = input is null
            ? Payloads.SerializeArguments([], [], _state.Json)
            : Payloads.SerializeArguments([input], [input.GetType()], _state.Json);
        return _state.ScheduleLocalActivity(activityName, arguments, options ?? LocalActivityOptions.Default, site);
    }
}
