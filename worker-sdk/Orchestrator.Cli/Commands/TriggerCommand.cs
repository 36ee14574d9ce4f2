using System.CommandLine;
using System.Text.Json;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary>The <c>trigger</c> group (DESIGN.md "Packages and CLI"): create, list, describe, update, delete.</summary>
internal static class TriggerCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals) =>
        new("trigger", "Create, inspect and delete event triggers")
        {
            CreateCommand(terminal, globals),
            ListCommand(terminal, globals),
            DescribeCommand(terminal, globals),
            UpdateCommand(terminal, globals),
            DeleteCommand(terminal, globals),
        };

    private static Argument<string> TriggerId() => new("trigger-id") { Description = "The trigger id" };

    private static Option<FileInfo> File() =>
        new("--file") { Description = "A JSON file with the trigger: {\"triggerId\",\"source\",\"action\",\"webhook\"?}", Required = true };

    private static Task<TriggerDefinition> ReadAsync(FileInfo path, CancellationToken cancellationToken) =>
        CommandOutput.ReadFileAsync<TriggerDefinition>(path, "trigger", cancellationToken);

    private static Command CreateCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var file = File();
        var command = new Command("create", "Create a trigger from a JSON file (the body of POST /api/v1/triggers)") { file };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var triggerId = await context.Client.CreateTriggerAsync(await ReadAsync(parse.GetValue(file)!, cancellationToken), cancellationToken);
            return await PrintAsync(context, new { triggerId, created = true }, $"Trigger {triggerId} created.");
        });
        return command;
    }

    private static Command UpdateCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var id = TriggerId();
        var file = File();
        var command = new Command("update", "Replace a trigger's source, action and webhook from a JSON file (its stats stay)") { id, file };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var triggerId = parse.GetValue(id)!;
            await context.Client.UpdateTriggerAsync(triggerId, await ReadAsync(parse.GetValue(file)!, cancellationToken), cancellationToken);
            return await PrintAsync(context, new { triggerId, updated = true }, $"Trigger {triggerId} updated.");
        });
        return command;
    }

    private static Command ListCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var command = new Command("list", "List triggers with their counts");
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var all = await CommandOutput.AllPagesAsync(token => context.Client.ListTriggersAsync(200, token, cancellationToken), p => p.Triggers, p => p.NextPageToken);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, all);
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("Trigger", "Source", "Action", "Delivered", "Deduplicated", "Dead-lettered");
            foreach (var t in all)
            {
                table.AddRow(Display.Plain(t.TriggerId), Display.Plain(SourceText(t.Source)), Display.Plain(ActionText(t.Action)),
                    Count(t.Stats.Delivered),
                    Count(t.Stats.Deduplicated),
                    Count(t.Stats.DeadLettered));
            }
            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DescribeCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var id = TriggerId();
        var command = new Command("describe", "Show a trigger and what its events did") { id };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var t = await context.Client.DescribeTriggerAsync(parse.GetValue(id)!, cancellationToken);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, t);
                return ExitCodes.Ok;
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow(Display.Plain("Trigger"), Display.Plain(t.TriggerId));
            grid.AddRow(Display.Plain("Source"), Display.Plain(SourceText(t.Source)));
            grid.AddRow(Display.Plain("Action"), Display.Plain(ActionText(t.Action)));
            grid.AddRow(Display.Plain("Workflow id"), Display.Plain(t.Action.WorkflowId ?? ""));
            grid.AddRow(Display.Plain("Webhook secret"), Display.Plain(t.Webhook?.SecretRef ?? "none (the API key is needed)"));
            grid.AddRow(Display.Plain("Delivered"), Count(t.Stats.Delivered));
            grid.AddRow(Display.Plain("Deduplicated"), Count(t.Stats.Deduplicated));
            grid.AddRow(Display.Plain("Dead-lettered"), Count(t.Stats.DeadLettered));
            if (t.Stats.LastError is { } error)
            {
                grid.AddRow(Display.Plain("Last error"), Display.Plain($"{Display.Time(t.Stats.LastErrorAt)}: {error}"));
            }
            context.Console.Write(grid);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DeleteCommand(CliTerminal terminal, GlobalOptions globals)
    {
        var id = TriggerId();
        var command = new Command("delete", "Delete a trigger (the workflows it started keep running)") { id };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var triggerId = parse.GetValue(id)!;
            await context.Client.DeleteTriggerAsync(triggerId, cancellationToken);
            return await PrintAsync(context, new { triggerId, deleted = true }, $"Trigger {triggerId} deleted.");
        });
        return command;
    }

    private static Spectre.Console.Rendering.IRenderable Count(long n) => Display.Plain(n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string SourceText(TriggerSource s) =>
        s.Kind == "masstransit" ? $"masstransit {s.MessageType}" : $"cloudevents {s.Type}" + (s.Source is { } from ? $" from {from}" : "");

    private static string ActionText(TriggerAction a) => a.Kind switch
    {
        "signal" => $"signal {a.SignalName}",
        "signalWithStart" => $"signalWithStart {a.WorkflowType} / {a.SignalName}",
        _ => $"start {a.WorkflowType}",
    };

    private static Task<int> PrintAsync<T>(CliContext context, T json, string line) => CommandOutput.PrintAsync(context, json, line);
}
