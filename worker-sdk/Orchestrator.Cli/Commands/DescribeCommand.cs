using System.CommandLine;
using System.Globalization;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;
using Spectre.Console.Rendering;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>workflow describe ID [--run-id R]</c>: a run's state, input, result or failure, and what it waits for.</summary>
internal static class DescribeCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var runId = WorkflowArguments.RunId();
        var command = new Command("describe", "Describe a workflow run") { workflowId, runId };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var run = await context.Client.DescribeWorkflowAsync(parse.GetValue(workflowId)!, parse.GetValue(runId), cancellationToken);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, run);
            }
            else
            {
                Render(context.Console, run);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(IAnsiConsole console, WorkflowDescription run)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, IRenderable value) => grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), value);
        void Line(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                Row(name, Display.Plain(value));
            }
        }
        Line("Workflow", run.WorkflowId);
        Line("Run", run.RunId);
        Line("Type", run.WorkflowType);
        Line("Task queue", run.TaskQueue);
        Row("Status", Display.Status(run.Status.ToString()));
        Line("Started", Display.Time(run.StartedAt));
        Line("Closed", Display.Time(run.ClosedAt));
        Line("History", run.HistoryLength.ToString(CultureInfo.InvariantCulture) + " events");
        Line("Input", CliJson.Inline(run.Input));
        Line("Result", CliJson.Inline(run.Result));
        Line("Failure", run.Failure is { } f ? $"{f.Type}: {f.Message}" : null);
        Line("Previous run", run.PreviousRunId);
        Line("Next run", run.NextRunId);
        Line("Reset from run", run.ResetFromRunId);
        Line("Reset to run", run.ResetToRunId);
        Line("Parent", run.ParentWorkflowId is null ? null : $"{run.ParentWorkflowId} (run {run.ParentRunId})");
        if (run.PendingWorkflowTask is { } task)
        {
            // the engine's own answer to "why is this stuck": the task's state, attempt, next try and last failure
            Line("Workflow task", $"{task.State}, attempt {task.Attempt.ToString(CultureInfo.InvariantCulture)}"
                + (task.NextAttemptAt is { } next ? $", next try {Display.Time(next)}" : "") + $": {task.Note}");
            Line("Task failure", task.LastFailure is { } tf ? $"{tf.Type}: {tf.Message}" : null);
        }
        console.Write(grid);
        if (run.PendingActivities is { Count: > 0 } pending)
        {
            var table = new Table().Title("Pending activities").AddColumns("Event", "Activity", "State", "Attempt", "Started", "Next attempt", "Last failure");
            foreach (var a in pending)
            {
                table.AddRow(Display.Plain(a.ScheduledEventId.ToString(CultureInfo.InvariantCulture)), Display.Plain(a.ActivityName), Display.Plain(a.State),
                    Display.Plain(a.Attempt.ToString(CultureInfo.InvariantCulture)), Display.Plain(Display.Time(a.StartedAt)),
                    Display.Plain(Display.Time(a.NextAttemptAt)), Display.Plain(a.LastFailure is { } lf ? $"{lf.Type}: {lf.Message}" : ""));
            }
            console.Write(table);
        }
    }
}
