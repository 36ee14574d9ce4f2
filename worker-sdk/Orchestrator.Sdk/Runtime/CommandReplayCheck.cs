using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Checks the command events that follow a <c>WorkflowTaskCompleted</c> against the commands the code produced at that task:
/// same kinds in the same order, none missing, none extra. Patch markers the code no longer asks for are skipped.
/// </summary>
internal sealed class CommandReplayCheck(WorkflowState state)
{
    private IReadOnlyList<WorkflowCommand> _commands = [];
    private int _index;

    /// <summary>Whether command events are being matched (right after a <c>WorkflowTaskCompleted</c>).</summary>
    public bool Active { get; private set; }

    public void Begin(IReadOnlyList<WorkflowCommand> commands)
    {
        _commands = commands;
        _index = 0;
        Active = true;
    }

    public void Match(HistoryEvent e)
    {
        var patchId = CommandMatcher.PatchId(e);
        if (_index < _commands.Count && CommandMatcher.Matches(_commands[_index], e))
        {
            _index++;
            if (patchId is not null)
            {
                state.NotePatchMarker(patchId);
            }
            return;
        }
        if (patchId is not null)
        {
            state.NotePatchMarker(patchId); // a patch marker the code no longer asks for (deprecated patch): skip it
            return;
        }
        if (_index >= _commands.Count)
        {
            throw new NonDeterminismException(
                $"Non-determinism at event {e.EventId}: history holds {CommandMatcher.Describe(e)} but the workflow code produced no command for it (a command is missing).",
                e.EventId);
        }
        throw new NonDeterminismException(
            $"Non-determinism at event {e.EventId}: history holds {CommandMatcher.Describe(e)} but the workflow code produced {CommandMatcher.Describe(_commands[_index])}.",
            e.EventId);
    }

    /// <summary>The command events ended (at <paramref name="next"/>, or with the history); every command must have matched.</summary>
    public void End(HistoryEvent? next, long lastEventId)
    {
        Active = false;
        if (_index < _commands.Count)
        {
            var extra = _commands[_index];
            var eventId = next?.EventId ?? lastEventId + 1;
            var where = next is null ? $"history ends at event {lastEventId}" : $"event {next.EventId} holds {next.EventType}";
            throw new NonDeterminismException(
                $"Non-determinism at event {eventId}: the workflow code produced {CommandMatcher.Describe(extra)} but history has no event for it ({where}; an extra command).",
                eventId);
        }
    }
}
