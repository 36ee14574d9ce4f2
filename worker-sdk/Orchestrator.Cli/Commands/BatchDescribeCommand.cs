using System.CommandLine;
using System.Globalization;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.Api;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Cli.Commands;

/// <summary><c>batch describe ID</c>: the batch's state, progress and first failures (<c>GET /api/v1/batches/{id}</c>).</summary>
internal static class BatchDescribeCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var id = BatchCommand.BatchId();
        var command = new Command("describe", "Describe a batch: state, progress (done, failed of total) and the first failures") { id };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var batch = await context.Client.DescribeBatchAsync(parse.GetValue(id)!, cancellationToken);
            await PrintAsync(context, batch);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The description as JSON (<c>--output json</c>: the REST body) or as a grid and a table of failures.</summary>
    public static async Task PrintAsync(CliContext context, BatchDescription batch)
    {
        if (context.Json)
        {
            await CliJson.WriteAsync(context.Out, batch);
        }
        else
        {
            Render(context.Console, batch);
        }
    }

    private static void Render(IAnsiConsole console, BatchDescription b)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Line(string name, IRenderable? value)
        {
            if (value is not null)
            {
                grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), value);
            }
        }
        Text? Plain(string? value) => string.IsNullOrEmpty(value) ? null : Display.Plain(value);
        Line("Batch", Plain(b.BatchId));
        Line("State", Display.Status(b.State switch { BatchState.Running => "Running", BatchState.Completed => "Completed", _ => "Canceled" }));
        Line("Operation", Plain(BatchCommand.Verb(b.Operation, b.SignalName)));
        Line("Query", Plain(b.Query));
        Line("Reason", Plain(b.Reason));
        Line("Progress", Plain(Progress(b)));
        Line("Max per second", Plain(b.MaxPerSecond.ToString(CultureInfo.InvariantCulture)));
        Line("Created", Plain(Display.Time(b.CreatedAt)));
        Line("Closed", Plain(Display.Time(b.ClosedAt)));
        console.Write(grid);
        if (b.Failures.Count > 0)
        {
            var table = new Table().Title(b.Failed > b.Failures.Count ? $"First {b.Failures.Count} failures" : "Failures").AddColumns("Workflow", "Run", "Why");
            foreach (var f in b.Failures)
            {
                table.AddRow(Display.Plain(f.WorkflowId), Display.Plain(f.RunId), Display.Plain(f.Detail));
            }
            console.Write(table);
        }
    }

    /// <summary>"1200 of 3000 done, 3 failed".</summary>
    public static string Progress(BatchDescription b) =>
        string.Create(CultureInfo.InvariantCulture, $"{b.Done} of {b.Total} done, {b.Failed} failed");
}
