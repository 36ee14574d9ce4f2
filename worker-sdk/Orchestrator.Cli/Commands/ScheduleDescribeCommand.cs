using System.CommandLine;
using System.Globalization;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.Api;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary><c>schedule describe ID</c>: spec, policy, state, next times, recent actions and running workflows.</summary>
internal static class ScheduleDescribeCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var id = ScheduleCommand.ScheduleId();
        var command = new Command("describe", "Describe a schedule: next times, recent actions, running workflows") { id };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var schedule = await context.Client.GetScheduleHandle(parse.GetValue(id)!).DescribeAsync(cancellationToken);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, schedule);
            }
            else
            {
                Render(context.Console, schedule);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(IAnsiConsole console, ScheduleDescription s)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Line(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), Display.Plain(value));
            }
        }
        string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        Line("Schedule", s.ScheduleId);
        Line("Workflow type", s.Action.WorkflowType);
        Line("Cron", s.Spec.Cron is { Count: > 0 } cron ? string.Join("; ", cron) : null);
        Line("Intervals", s.Spec.Intervals is { Count: > 0 } iv ? string.Join("; ", iv.Select(i => $"every {i.Every} + {i.Offset}")) : null);
        Line("Time zone", s.Spec.TimeZone ?? "UTC");
        Line("Overlap", s.Policy.Overlap?.ToString());
        Line("Catch-up window", s.Policy.CatchupWindow?.ToString());
        Line("Paused", s.State.Paused == true ? "yes" + (s.State.Note is { } note ? $" ({note})" : "") : "no");
        Line("Remaining actions", s.State.RemainingActions is { } left ? N(left) : null);
        Line("Actions", N(s.Info.ActionCount));
        Line("Overlap skipped", N(s.Info.OverlapSkipped));
        Line("Missed (catch-up)", N(s.Info.MissedCatchupWindow));
        Line("Next times", string.Join(", ", s.Info.NextActionTimes.Select(t => Display.Time(t))));
        console.Write(grid);
        if (s.Info.RecentActions.Count > 0)
        {
            var table = new Table().Title("Recent actions").AddColumns("Scheduled", "Started", "Workflow", "Run", "Status");
            foreach (var a in s.Info.RecentActions)
            {
                table.AddRow(Display.Plain(Display.Time(a.ScheduledAt)), Display.Plain(Display.Time(a.ActualAt)), Display.Plain(a.WorkflowId),
                    Display.Plain(a.RunId ?? ""), Display.Status(a.Status ?? ""));
            }
            console.Write(table);
        }
        if (s.Info.RunningWorkflows.Count > 0)
        {
            var table = new Table().Title("Running").AddColumns("Workflow", "Run");
            foreach (var r in s.Info.RunningWorkflows)
            {
                table.AddRow(Display.Plain(r.WorkflowId), Display.Plain(r.RunId));
            }
            console.Write(table);
        }
    }
}
