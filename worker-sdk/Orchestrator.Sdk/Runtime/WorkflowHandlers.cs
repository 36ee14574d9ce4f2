using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Hosting;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// The signal and update handlers of one run. A <c>SignalReceived</c> whose name has a <c>[WorkflowSignal]</c> handler, and
/// every <c>WorkflowUpdateAccepted</c>, start their handler as a new task on the instance's scheduler, queued behind the
/// continuations of the events applied before it (so handlers run in event order, and a signal that came with the start
/// reaches its handler before the run method's first line). A finished update adds its <c>CompleteUpdate</c> command to the
/// workflow task it finishes in; a signal handler that throws closes the run (see <see cref="Failure"/>). Only touched on
/// the instance's scheduler thread.
/// </summary>
internal sealed class WorkflowHandlers(WorkflowDefinition definition, WorkflowState state, WorkflowContext context, TaskScheduler scheduler)
{
    private readonly HashSet<string> _updateIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Name, long Order)> _runningUpdates = new(StringComparer.Ordinal);
    private object? _workflow;

    /// <summary>Handlers started and not finished: a run whose run method returned closes only when none is left.</summary>
    public int Running { get; private set; }

    /// <summary>What the first failing signal handler threw (or a <see cref="NonDeterminismException"/> in any handler): the run closes with it.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The workflow object the handlers are called on (created before the first events are applied).</summary>
    public void Bind(object workflow) => _workflow = workflow;

    /// <summary>Applies <paramref name="e"/> when it is for a handler; false for the events <see cref="WorkflowState.Apply"/> applies.</summary>
    /// <exception cref="NonDeterminismException">An accepted update the workflow has no handler for.</exception>
    public bool TryApply(HistoryEvent e)
    {
        switch (e.EventType)
        {
            case EventTypes.SignalReceived:
                var signalAttributes = e.Attributes;
                if (!definition.Signals.TryGetValue(CommandMatcher.Str(signalAttributes, "signalName") ?? "", out var signal))
                {
                    return false; // buffered for WaitForSignalAsync
                }
                Start(() => RunSignalAsync(signal, CommandMatcher.Json(signalAttributes, "input")));
                return true;
            case EventTypes.WorkflowUpdateAccepted:
                var accepted = e.GetAttributes<WorkflowUpdateAcceptedAttributes>();
                if (!definition.Updates.TryGetValue(accepted.Name, out var update))
                {
                    var known = definition.Updates.Count == 0 ? "it has none" : "its updates: " + string.Join(", ", definition.Updates.Keys.Order(StringComparer.Ordinal));
                    throw new NonDeterminismException(
                        $"Non-determinism at event {e.EventId}: history holds WorkflowUpdateAccepted of update '{accepted.Name}' (id '{accepted.UpdateId}'), "
                        + $"but workflow {definition.Name} has no [WorkflowUpdate] named '{accepted.Name}' ({known}).",
                        e.EventId);
                }
                if (_updateIds.Add(accepted.UpdateId)) // the same update id is applied once
                {
                    _runningUpdates[accepted.UpdateId] = (accepted.Name, state.NextWaitOrder());
                    Start(() => RunUpdateAsync(update, accepted.UpdateId, accepted.Input));
                }
                return true;
            default:
                return false;
        }
    }

    private void Start(Func<Task> handler)
    {
        Running++;
        _ = Task.Factory.StartNew(handler, CancellationToken.None, TaskCreationOptions.None, scheduler);
    }

    private async Task RunSignalAsync(WorkflowHandlerMethod signal, JsonElement? input)
    {
        try
        {
            object? argument;
            try
            {
                argument = signal.DeserializeArgument(input, state.Json);
            }
            catch (Exception ex)
            {
                // a payload the handler cannot take (from outside, never validated): dropped, as Temporal does, not a run failure
                context.Logger.SignalDropped(signal.Name, context.WorkflowId, context.RunId, signal.Method.Name, signal.ArgumentType!.Name, ex.Message);
                return;
            }
            await signal.InvokeAsync(_workflow!, context, argument, state.Json);
        }
        catch (Exception ex)
        {
            Failure ??= ex;
        }
        finally
        {
            Running--;
        }
    }

    private async Task RunUpdateAsync(WorkflowHandlerMethod update, string updateId, JsonElement? input)
    {
        try
        {
            var result = await update.InvokeAsync(_workflow!, context, update.DeserializeArgument(input, state.Json), state.Json);
            state.AddCommand(new CompleteUpdateCommand(updateId, result));
        }
        catch (NonDeterminismException ex)
        {
            Failure ??= ex;
        }
        catch (Exception ex)
        {
            state.AddCommand(new CompleteUpdateCommand(updateId, null, FailureInfo.FromException(ex))); // fails the update, not the run
        }
        finally
        {
            _runningUpdates.Remove(updateId);
            Running--;
        }
    }

    /// <summary>The accepted updates whose handlers still run (the run does not complete before they finish).</summary>
    public void AddWaits(List<WorkflowWaits.Entry> entries)
    {
        foreach (var (updateId, (name, order)) in _runningUpdates)
        {
            entries.Add(new(order, new WorkflowWait("update", name, UpdateId: updateId)));
        }
    }
}
