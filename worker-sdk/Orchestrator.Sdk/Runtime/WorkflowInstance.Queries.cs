using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;

namespace Orchestrator.Sdk.Runtime;

/// <summary>Queries and update validation: read-only calls on the replayed workflow object, which may not schedule or record anything.</summary>
internal sealed partial class WorkflowInstance
{
    private static string QueryRule(string api) =>
        $"A query may not call {api}: queries only read the workflow's state (use an update or a signal to change it).";

    private static string ValidatorRule(string api) =>
        $"An update validator may not call {api}: a validator only reads the workflow's state to accept or reject the update (do the work in the update's handler).";

    /// <summary>
    /// Calls query <paramref name="method"/> on the workflow object, on this instance's scheduler (after <see cref="Replay"/>
    /// or <see cref="Activate"/>), and gives its result as JSON. The query may not schedule anything: a workflow API that
    /// would (an activity, a timer, a signal or condition wait, a child, continue-as-new, a new GUID, a patch, search
    /// attributes) throws <see cref="InvalidOperationException"/> inside it, which fails the query; the instance's state is
    /// what it was.
    /// </summary>
    /// <exception cref="Exception">What the query method threw.</exception>
    internal JsonElement? Query(MethodInfo method, JsonElement? argument)
    {
        var json = _options.JsonSerializerOptions;
        return RunReadOnly(QueryRule, violation => new InvalidOperationException(violation), workflow =>
        {
            object?[] args = method.GetParameters() is [var p] ? [Payloads.Deserialize(argument, p.ParameterType, json)] : [];
            return Payloads.Serialize(method.Invoke(workflow, BindingFlags.DoNotWrapExceptions, null, args, null), method.ReturnType, json);
        });
    }

    /// <summary>
    /// Checks update <paramref name="name"/> with <paramref name="input"/> before it is accepted (after <see cref="Replay"/>,
    /// as <see cref="Query"/> does): the input must fit the handler's parameter and the validator, if any, must not throw.
    /// The validator runs as a query does: a workflow API that would schedule or record something rejects the update, and
    /// nothing changes (the handler does not run; conditions are not checked).
    /// </summary>
    /// <exception cref="ArgumentException">The workflow has no update of that name.</exception>
    /// <exception cref="UpdateRejectedException">The input does not fit, or the validator threw (its message) or called a workflow API.</exception>
    internal void ValidateUpdate(string name, JsonElement? input)
    {
        if (!_definition.Updates.TryGetValue(name, out var update))
        {
            throw new ArgumentException($"Workflow type '{_definition.Name}' has no update '{name}'.", nameof(name));
        }
        var json = _options.JsonSerializerOptions;
        RunReadOnly(ValidatorRule, violation => new UpdateRejectedException(violation), workflow =>
        {
            object? argument;
            try
            {
                argument = update.DeserializeArgument(input, json);
            }
            catch (Exception ex)
            {
                throw new UpdateRejectedException($"The argument of update '{name}' does not fit its parameter ({update.ArgumentType!.Name}): {ex.Message}", ex);
            }
            try
            {
                update.Validate(workflow, argument);
            }
            catch (Exception ex)
            {
                throw new UpdateRejectedException(ex.Message, ex);
            }
            return null;
        });
    }

    /// <summary>
    /// The built-in query <c>__stack_trace</c> (after <see cref="Replay"/>, caught up as for <see cref="Query"/>): what each
    /// branch of the code waits on, in the order the waits began, with where the code called the API. A closed run, or one
    /// with no <c>WorkflowStarted</c>, waits on nothing. No workflow code runs for it.
    /// </summary>
    internal IReadOnlyList<Contracts.Api.WorkflowWait> Waits()
    {
        RunWatched(CatchUpForQuery);
        return _closed || IsCompleted || _workflow is null ? [] : WorkflowWaits.Collect(_state, _handlers); // IsCompleted: terminated or timed out
    }

    /// <summary>
    /// Runs <paramref name="body"/> on the workflow object on this scheduler, with every workflow API that would schedule or
    /// record something refused (<paramref name="rule"/> says why; <paramref name="violated"/> is thrown when it was called,
    /// even when the body caught it or dropped the task), after the catch-up a query needs.
    /// </summary>
    private JsonElement? RunReadOnly(Func<string, string> rule, Func<string, Exception> violated, Func<object, JsonElement?> body)
    {
        JsonElement? result = null;
        Exception? error = null;
        RunWatched(CatchUpForQuery); // the workflow's own code, as the next task will run it: not yet the query
        _readOnlyRule = rule;
        _querying = true;
        try
        {
            RunWatched(() => Execute(() =>
            {
                try
                {
                    if (_workflow is null)
                    {
                        throw new InvalidOperationException("The run's history has no WorkflowStarted: there is no state to query.");
                    }
                    result = body(_workflow);
                }
                catch (Exception ex)
                {
                    error = ex; // e.g. an argument that does not deserialize to the parameter's type
                }
            }));
        }
        finally
        {
            _querying = false;
        }
        if (Interlocked.Exchange(ref _queryViolation, null) is { } violation)
        {
            throw violated(violation);
        }
        if (error is not null)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
        return result;
    }

    /// <summary>
    /// Before a query: the events no workflow task has taken yet (a signal after the last completed task, or after the
    /// pending task's <c>WorkflowTaskScheduled</c>) are applied and the code runs on them, as the next task will, so the query
    /// sees every event of the history. The commands that gives are dropped: nothing is sent from a query.
    /// </summary>
    private void CatchUpForQuery()
    {
        if (_closed || _lastApplied is not { } last || (_candidate is not null && !_ranAtCandidate) || (_batch.Count + _late.Count == 0 && _run is not null))
        {
            return; // nothing new since the code last ran (or it never can: no history)
        }
        _batch.AddRange(_late);
        _late.Clear();
        RunCode(last, replaying: false, null);
    }
}
