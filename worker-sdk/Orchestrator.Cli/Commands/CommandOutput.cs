using System.Text.Json;
using Orchestrator.Cli.Output;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Commands;

/// <summary>What the definition commands (schedules, triggers) share: a JSON file read as a body, and a line or JSON answer.</summary>
internal static class CommandOutput
{
    /// <summary>Prints <paramref name="json"/> with <c>--output json</c>, else <paramref name="line"/>; exit 0.</summary>
    public static async Task<int> PrintAsync<T>(CliContext context, T json, string line)
    {
        if (context.Json)
        {
            await CliJson.WriteAsync(context.Out, json);
        }
        else
        {
            await context.Out.WriteLineAsync(line);
        }
        return ExitCodes.Ok;
    }

    /// <summary>The body in <paramref name="path"/> (<c>--file</c>); exit 2 when it is missing, not JSON or empty.</summary>
    public static async Task<T> ReadFileAsync<T>(FileInfo path, string what, CancellationToken cancellationToken) where T : class
    {
        if (!path.Exists)
        {
            throw new CliException(ExitCodes.Usage, $"--file {path.FullName} does not exist.");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(await File.ReadAllTextAsync(path.FullName, cancellationToken), OrchestratorClient.JsonSerializerOptions)
                ?? throw new CliException(ExitCodes.Usage, $"--file {path.Name} holds no {what}.");
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"--file {path.Name} is not a {what} in JSON: {e.Message}");
        }
    }

    /// <summary>Every item of a list by id, page after page (200 a page) until the engine gives no next token.</summary>
    public static async Task<List<TItem>> AllPagesAsync<TPage, TItem>(Func<string?, Task<TPage>> page, Func<TPage, IEnumerable<TItem>> items,
        Func<TPage, string?> next)
    {
        var all = new List<TItem>();
        string? token = null;
        do
        {
            var current = await page(token);
            all.AddRange(items(current));
            token = next(current);
        }
        while (token is not null);
        return all;
    }
}
