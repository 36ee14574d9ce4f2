using System.CommandLine;

namespace Orchestrator.Cli.Commands;

/// <summary>The <c>workflow</c> group (DESIGN.md "Packages and CLI").</summary>
internal static class WorkflowCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals) =>
        new("workflow", "Start, inspect, signal, query, cancel, terminate, reset and replay workflows")
        {
            StartCommand.Create(terminal, globals),
            ListCommand.Create(terminal, globals),
            CountCommand.Create(terminal, globals),
            DescribeCommand.Create(terminal, globals),
            HistoryCommand.Create(terminal, globals),
            ResultCommand.Create(terminal, globals),
            SignalCommand.Create(terminal, globals),
            QueryCommand.Create(terminal, globals),
            UpdateCommand.Create(terminal, globals),
            StackCommand.Create(terminal, globals),
            SignalWithStartCommand.Create(terminal, globals),
            CancelCommand.Create(terminal, globals),
            TerminateCommand.Create(terminal, globals),
            ResetCommand.Create(terminal, globals),
            ReplayCommand.Create(terminal, globals),
        };
}
