using System.CommandLine;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;
using Spectre.Console;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>workflow list [--query Q | --status S --type T --id-prefix P] [--limit N] [--page-token TOKEN]</c>: runs (newest first unless
/// the query orders otherwise) over <c>GET /api/v1/workflows</c>, following its pages up to the limit.
/// </summary>
internal static class ListCommand
{
    private const int MaxPageSize = 1000; // the engine's

    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var status = new Option<string?>("--status") { Description = "Only runs in this state" };
        status.AcceptOnlyFromAmong(Enum.GetNames<WorkflowStatus>());
        var type = new Option<string?>("--type") { Description = "Only runs of this workflow type" };
        var prefix = new Option<string?>("--id-prefix") { Description = "Only workflow ids that start with this" };
        var limit = new Option<int>("--limit") { Description = "At most this many runs", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--limit must be at least 1.");
            }
        });
        var pageToken = new Option<string?>("--page-token") { Description = "Continue after the runs a previous --output json list ended with (its nextPageToken)" };
        var query = new Option<string?>("--query", "-q")
        {
            Description = "A list query, e.g. \"WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running' ORDER BY StartTime DESC\" (docs/visibility.md)",
        };
        var command = new Command("list", "List workflow runs, newest first") { query, status, type, prefix, limit, pageToken };
        command.Validators.Add(r =>
        {
            if (r.GetValue(query) is not null && (r.GetValue(status) is not null || r.GetValue(type) is not null || r.GetValue(prefix) is not null))
            {
                r.AddError("--query cannot be combined with --status, --type or --id-prefix: write them into the query.");
            }
        });
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var state = parse.GetValue(status) is { } s ? Enum.Parse<WorkflowStatus>(s, ignoreCase: true) : (WorkflowStatus?)null;
            var left = parse.GetValue(limit);
            var token = parse.GetValue(pageToken);
            var runs = new List<WorkflowDescription>();
            do
            {
                // pages no larger than what is left, so the last token continues right after the last run shown
                var size = Math.Min(left, MaxPageSize);
                var page = parse.GetValue(query) is { } q
                    ? await context.Client.ListWorkflowsAsync(q, size, token, cancellationToken)
                    : await context.Client.ListWorkflowsAsync(state, parse.GetValue(type), parse.GetValue(prefix), size, token, cancellationToken);
                runs.AddRange(page.Workflows);
                left -= page.Workflows.Count;
                token = page.NextPageToken;
            }
            while (token is not null && left > 0);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, new { workflows = runs, nextPageToken = token });
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("Workflow", "Run", "Type", "Status", "Started", "Closed");
            foreach (var run in runs)
            {
                table.AddRow(Display.Plain(run.WorkflowId), Display.Plain(run.RunId), Display.Plain(run.WorkflowType), Display.Status(run.Status.ToString()),
                    Display.Plain(Display.Time(run.StartedAt)), Display.Plain(Display.Time(run.ClosedAt)));
            }
            context.Console.Write(table);
            if (token is not null)
            {
                await context.Out.WriteLineAsync($"More runs: --limit, or --page-token {token}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
