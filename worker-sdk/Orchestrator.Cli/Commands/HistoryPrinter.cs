using System.Globalization;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.History;

namespace Orchestrator.Cli.Commands;

/// <summary>One history event: a line "id  time  type  attributes" for people, or a JSON object per line (follow).</summary>
internal static class HistoryPrinter
{
    public static Task WriteAsync(CliContext context, HistoryEvent e, bool asLine)
    {
        if (context.Json)
        {
            return asLine ? CliJson.WriteAsync(context.Out, ExportedEvent.From(e), indented: false) : Task.CompletedTask;
        }
        var attributes = e.Attributes.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "" : CliJson.Inline(e.Attributes, 160);
        return context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{e.EventId,6}  {Display.Time(e.Timestamp)}  {e.EventType,-26}  {attributes}"));
    }
}
