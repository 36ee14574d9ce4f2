using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Local activities in a workflow task. The host runs the code of the current task (<see cref="Activate"/>), then, while
/// <see cref="LocalActivitiesToRun"/> lists some, runs them in the worker and hands what came of them to
/// <see cref="ResolveLocalActivities"/>, which records their markers and runs the code on: a <b>round</b>. A round's
/// outcomes are applied together, in seq order, once the code waits everywhere, so that replay, which takes them from the
/// recorded markers at the same points (<see cref="ReplayLocalActivities"/>), produces the same commands.
/// </summary>
internal sealed partial class WorkflowInstance
{
    /// <summary>The local activities the current task has to run now (none once the run closed or an activation failed).</summary>
    internal IReadOnlyList<LocalActivityRequest> LocalActivitiesToRun() =>
        _faulted || _closed || IsCompleted ? [] : _state.ReadyLocalActivities().Select(call => call.ToRequest()).ToList();

    /// <summary>
    /// A round of the current task: applies <paramref name="outcomes"/> (their markers, timers and results), runs the code
    /// until it waits everywhere, and returns every command of the task so far (or a task failure; the instance is then faulted).
    /// </summary>
    /// <exception cref="StaleWorkflowInstanceException">An earlier activation failed.</exception>
    internal WorkflowActivation ResolveLocalActivities(long scheduledEventId, IReadOnlyList<LocalActivityOutcome> outcomes)
    {
        if (_faulted)
        {
            throw new StaleWorkflowInstanceException("This workflow instance failed an earlier activation; discard it and replay from event 1.");
        }
        try
        {
            RunWatched(() =>
            {
                if (_closed)
                {
                    return;
                }
                Execute(() =>
                {
                    foreach (var outcome in outcomes)
                    {
                        _state.ResolveLocalActivity(outcome);
                    }
                });
                CloseIfDone();
                _lastCommands = [.. _lastCommands, .. _state.TakeCommands()];
            });
            return new WorkflowActivation(scheduledEventId, _lastCommands, null);
        }
        catch (Exception ex)
        {
            _faulted = true;
            return new WorkflowActivation(scheduledEventId, [], FailureInfo.FromException(ex));
        }
    }

    /// <summary>
    /// On replay of a completed task, after its code ran until it waits everywhere: the rounds of local activities it ran,
    /// each from the markers the task recorded, until the run closes or the task recorded nothing more (it left the rest for
    /// a later task, as a worker that answered before the task's time limit does).
    /// </summary>
    private void ReplayLocalActivities()
    {
        while (_state.Recorded is not null && Close() is null)
        {
            var ready = _state.ReadyLocalActivities();
            if (ready.Count == 0)
            {
                return;
            }
            var outcomes = _state.RecordedOutcomes(ready);
            if (outcomes.Count == 0)
            {
                return;
            }
            Execute(() =>
            {
                foreach (var outcome in outcomes)
                {
                    _state.ResolveLocalActivity(outcome);
                }
            });
        }
    }

    private (long ScheduledEventId, IReadOnlyList<WorkflowCommand> Commands)? _answeredWithLocalWork;

    /// <summary>
    /// The host answered task <paramref name="scheduledEventId"/> with <paramref name="commands"/>: when they hold work done in
    /// the worker (local activity or side effect markers), kept for <see cref="AnswerAgain"/>.
    /// </summary>
    internal void Answered(long scheduledEventId, IReadOnlyList<WorkflowCommand> commands) =>
        _answeredWithLocalWork = commands.Any(c => c is RecordMarkerCommand { MarkerName: LocalActivityMarkerDetails.MarkerName or SideEffectMarkerDetails.MarkerName })
            ? (scheduledEventId, commands)
            : null;

    /// <summary>
    /// The answer to send when the engine sends again (a later attempt: the first answer was late, or lost) a task this
    /// instance answered with local work: the same commands, so that its local activities do not run twice. The engine
    /// applies it if the first answer never arrived, and drops it as stale otherwise. Null: run the task as usual.
    /// </summary>
    internal IReadOnlyList<WorkflowCommand>? AnswerAgain(long scheduledEventId) =>
        _answeredWithLocalWork is { } last && last.ScheduledEventId == scheduledEventId && LastEventId == scheduledEventId && UnconfirmedContinuation is null
            ? last.Commands
            : null;

    /// <summary>Adds the closing command when the run closes now (as at the end of a task's code).</summary>
    private void CloseIfDone()
    {
        if (Close() is { } close)
        {
            _closed = true;
            IsCompleted = true;
            _state.AddCommand(close);
        }
    }
}
