using System.CommandLine;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.History;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>workflow history ID [--run-id R] [--follow]</c>. Reads every page (the API pages at 10,000 events) into one document,
/// <c>{"events":[...],"nextPageToken":null}</c>, the shape <c>WorkflowReplayer</c> and <c>workflow replay</c> read.
/// <c>--follow</c> prints events as they are recorded until the run closes (with <c>--output json</c> one event per line).
/// </summary>
internal static class HistoryCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var runId = WorkflowArguments.RunId();
        var follow = new Option<bool>("--follow", "-f") { Description = "Print events as they are recorded until the run closes (json: one event per line)" };
        var command = new Command("history", "Print a run's history (--output json: one file that `workflow replay` and WorkflowReplayer read)")
        {
            workflowId, runId, follow,
        };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var reader = new HistoryReader(context.Client, parse.GetValue(workflowId)!, parse.GetValue(runId));
            if (parse.GetValue(follow))
            {
                await reader.FollowAsync(e => HistoryPrinter.WriteAsync(context, e, asLine: true), cancellationToken);
                return ExitCodes.Ok;
            }
            var events = await reader.ReadAllAsync(cancellationToken);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, new ExportedHistory(events.Select(ExportedEvent.From).ToList(), null));
            }
            else
            {
                foreach (var e in events)
                {
                    await HistoryPrinter.WriteAsync(context, e, asLine: false);
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>The body of <c>GET .../history</c> with every page's events: the file <c>workflow replay --history</c> reads.</summary>
internal sealed record ExportedHistory(IReadOnlyList<ExportedEvent> Events, string? NextPageToken);

/// <summary>One event as the engine returns it (attributes written as received).</summary>
internal sealed record ExportedEvent(long EventId, string EventType, DateTimeOffset Timestamp, System.Text.Json.JsonElement? Attributes)
{
    public static ExportedEvent From(HistoryEvent e) =>
        new(e.EventId, e.EventType, e.Timestamp, e.Attributes.ValueKind == System.Text.Json.JsonValueKind.Undefined ? null : e.Attributes);
}
