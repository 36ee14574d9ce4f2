using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary>The <c>schedule</c> group (DESIGN.md "Packages and CLI"): create, list, describe, pause, unpause, trigger, backfill, delete.</summary>
internal static class ScheduleCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals) =>
        new("schedule", "Create, inspect, pause, trigger and backfill schedules")
        {
            CreateCommand(terminal, globals),
            ListCommand(terminal, globals),
            ScheduleDescribeCommand.Create(terminal, globals),
            NoteCommand(terminal, globals, "pause", "Pause a schedule (no scheduled time is taken until unpaused)", (h, n, ct) => h.PauseAsync(n, ct)),
            NoteCommand(terminal, globals, "unpause", "Unpause a schedule (the times passed while paused are not caught up)", (h, n, ct) => h.UnpauseAsync(n, ct)),
            TriggerCommand(terminal, globals),
            BackfillCommand(terminal, globals),
            DeleteCommand(terminal, globals),
        };

    public static Argument<string> ScheduleId() => new("schedule-id") { Description = "The schedule id" };

    private static Command CreateCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var file = new Option<FileInfo>("--file") { Description = "A JSON file with the schedule: {\"scheduleId\",\"spec\",\"action\",\"policy\"?,\"state\"?}", Required = true };
        var command = new Command("create", "Create a schedule from a JSON file (the body of POST /api/v1/schedules)") { file };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var definition = await CommandOutput.ReadFileAsync<ScheduleDefinition>(parse.GetValue(file)!, "schedule", cancellationToken);
            var handle = await context.Client.CreateScheduleAsync(definition, cancellationToken);
            return await PrintAsync(context, new { scheduleId = handle.ScheduleId, created = true }, $"Schedule {handle.ScheduleId} created.");
        });
        return command;
    }

    private static Command ListCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var command = new Command("list", "List schedules");
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var all = await CommandOutput.AllPagesAsync(token => context.Client.ListSchedulesAsync(200, token, cancellationToken), p => p.Schedules, p => p.NextPageToken);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, all);
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("Schedule", "Workflow type", "Paused", "Next action");
            foreach (var s in all)
            {
                table.AddRow(Display.Plain(s.ScheduleId), Display.Plain(s.WorkflowType), Display.Plain(s.Paused ? "yes" : "no"), Display.Plain(Display.Time(s.NextActionTime)));
            }
            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command NoteCommand(CliTerminal terminal, GlobalOptions globals, string name, string description,
        Func<ScheduleHandle, string?, CancellationToken, Task> call)
    {
        var id = ScheduleId();
        var note = new Option<string?>("--note") { Description = "Why (shown in the schedule's state)" };
        var command = new Command(name, description) { id, note };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var scheduleId = parse.GetValue(id)!;
            await call(context.Client.GetScheduleHandle(scheduleId), parse.GetValue(note), cancellationToken);
            return await PrintAsync(context, new { scheduleId, done = name }, $"Schedule {scheduleId}: {name}d.");
        });
        return command;
    }

    private static Option<ScheduleOverlapPolicy?> Overlap() =>
        new("--overlap") { Description = "Overlap policy of these starts: Skip, BufferOne, BufferAll, CancelOther, TerminateOther, AllowAll (default: the schedule's)" };

    private static Command TriggerCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var id = ScheduleId();
        var overlap = Overlap();
        var command = new Command("trigger", "Start the schedule's action now") { id, overlap };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var result = await context.Client.GetScheduleHandle(parse.GetValue(id)!).TriggerAsync(parse.GetValue(overlap), cancellationToken);
            return await PrintAsync(context, result, $"{result.Outcome}: {result.WorkflowId}" + (result.RunId is { } run ? $" (run {run})" : ""));
        });
        return command;
    }

    private static Command BackfillCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var id = ScheduleId();
        var start = new Option<string>("--start") { Description = "First time of the range (inclusive), ISO 8601, e.g. 2026-11-01T00:00:00Z", Required = true };
        var end = new Option<string>("--end") { Description = "End of the range (exclusive), ISO 8601", Required = true };
        var overlap = Overlap();
        var command = new Command("backfill", "Act on the schedule's times in [start, end) as if they were due now") { id, start, end, overlap };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var scheduleId = parse.GetValue(id)!;
            var from = Time(parse.GetValue(start)!, "--start");
            var to = Time(parse.GetValue(end)!, "--end");
            if (to <= from)
            {
                throw new CliException(ExitCodes.Usage, "--end must be after --start.");
            }
            await context.Client.GetScheduleHandle(scheduleId).BackfillAsync(from, to, parse.GetValue(overlap), cancellationToken);
            return await PrintAsync(context, new { scheduleId, backfill = new { startAt = from, endAt = to }, accepted = true },
                $"Backfill of schedule {scheduleId} from {from:O} to {to:O} accepted.");
        });
        return command;
    }

    private static Command DeleteCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var id = ScheduleId();
        var command = new Command("delete", "Delete a schedule (the workflows it started keep running)") { id };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var scheduleId = parse.GetValue(id)!;
            await context.Client.GetScheduleHandle(scheduleId).DeleteAsync(cancellationToken);
            return await PrintAsync(context, new { scheduleId, deleted = true }, $"Schedule {scheduleId} deleted.");
        });
        return command;
    }

    private static DateTimeOffset Time(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new CliException(ExitCodes.Usage, $"{option} '{text}' is not a time; use ISO 8601, e.g. 2026-11-01T00:00:00Z.");

    private static Task<int> PrintAsync<T>(CliContext context, T json, string line) => CommandOutput.PrintAsync(context, json, line);
}
