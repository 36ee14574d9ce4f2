using System.CommandLine;
using System.Globalization;
using Orchestrator.Cli.Output;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>workflow count [--query Q] [--group-by FIELD]</c>: how many runs match (<c>GET /api/v1/workflows/count</c>), in all or
/// per value of a keyword field.
/// </summary>
internal static class CountCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var query = new Option<string?>("--query", "-q") { Description = "A list query (docs/visibility.md); all runs when left out" };
        var groupBy = new Option<string?>("--group-by") { Description = "Count per value of this field: ExecutionStatus, WorkflowType, TaskQueue or a Keyword search attribute" };
        var command = new Command("count", "Count workflow runs that match a query") { query, groupBy };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var count = await context.Client.CountWorkflowsAsync(parse.GetValue(query), parse.GetValue(groupBy), cancellationToken);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, count);
                return ExitCodes.Ok;
            }
            if (count.Groups is { } groups)
            {
                var table = new Table().AddColumns(parse.GetValue(groupBy)!, "Count");
                foreach (var group in groups)
                {
                    table.AddRow(Display.Plain(group.Value ?? "(none)"), Display.Plain(group.Count.ToString(CultureInfo.InvariantCulture)));
                }
                context.Console.Write(table);
                return ExitCodes.Ok;
            }
            await context.Out.WriteLineAsync((count.Count ?? 0).ToString(CultureInfo.InvariantCulture));
            return ExitCodes.Ok;
        });
        return command;
    }
}
