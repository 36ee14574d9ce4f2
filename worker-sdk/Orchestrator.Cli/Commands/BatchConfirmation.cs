using System.Globalization;
using System.Net;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// What <c>batch start</c> does before it starts anything (unless <c>--yes</c>): it counts the open runs the query matches
/// (<c>GET /api/v1/workflows/count</c> of the query AND <c>ExecutionStatus = 'Running'</c>), prints the count on stderr
/// and asks "[y/N]" on a terminal. Without a terminal to ask on, or without a yes, nothing is started (exit 2).
/// </summary>
internal static class BatchConfirmation
{
    /// <summary>Null to go on and start the batch; else the exit code to end with (nothing was started).</summary>
    public static async Task<int?> AskAsync(CliContext context, string query, BatchOperation operation, string? signalName, CancellationToken cancellationToken)
    {
        var open = await CountOpenAsync(context, query, cancellationToken);
        var matches = open == 1 ? "1 open run matches" : string.Create(CultureInfo.InvariantCulture, $"{open} open runs match");
        var verb = BatchCommand.Verb(operation, signalName);
        if (context.Interactive is not { } input)
        {
            throw new CliException(ExitCodes.Usage,
                $"{matches} the query now; not started: batch start asks before it acts and stdin is not a terminal. Pass --yes to {verb} them without asking.");
        }
        if (open == 0)
        {
            await context.Error.WriteLineAsync("No open run matches the query: no batch started.");
            return ExitCodes.Ok;
        }
        var them = open == 1 ? "it" : "them";
        var question = operation switch
        {
            BatchOperation.Cancel => $"Request cancellation of {them}?",
            BatchOperation.Terminate => $"Terminate {them} (no workflow code runs)?",
            _ => $"Send signal {signalName} to {them}?",
        };
        await Confirmation.AskAsync(context, input, $"{matches} the query now. {question}", "not confirmed: no batch started.", cancellationToken);
        return null;
    }

    /// <summary>
    /// The open runs of <paramref name="query"/>: its condition (without ORDER BY) AND <c>ExecutionStatus = 'Running'</c>. A query the
    /// engine refuses is counted again as given, so that its error names the position in the query the user wrote.
    /// </summary>
    private static async Task<long> CountOpenAsync(CliContext context, string query, CancellationToken cancellationToken)
    {
        var where = WithoutOrder(query).Trim();
        var open = where.Length == 0 ? "ExecutionStatus = 'Running'" : $"({where}) AND ExecutionStatus = 'Running'";
        try
        {
            return (await context.Client.CountWorkflowsAsync(open, cancellationToken: cancellationToken)).Count ?? 0;
        }
        catch (OrchestratorApiException e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            await context.Client.CountWorkflowsAsync(query, cancellationToken: cancellationToken); // throws the error of the query as written
            throw;
        }
    }

    /// <summary>The query without its ORDER BY: cut at the first word ORDER (any case) outside quotes that a space follows.</summary>
    internal static string WithoutOrder(string query)
    {
        char? quote = null;
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (quote is { } q)
            {
                quote = c == q ? null : quote; // a doubled quote closes and opens again: the same
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if ((i == 0 || !(char.IsAsciiLetterOrDigit(query[i - 1]) || query[i - 1] == '_'))
                && string.Compare(query, i, "ORDER", 0, 5, StringComparison.OrdinalIgnoreCase) == 0
                && i + 5 < query.Length && char.IsWhiteSpace(query[i + 5]))
            {
                return query[..i];
            }
        }
        return query;
    }
}
