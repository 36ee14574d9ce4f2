using Orchestrator.Cli.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>What signal, cancel and terminate print once the engine accepted the call (it answers 202 without a body).</summary>
internal static class Accepted
{
    public static async Task<int> PrintAsync(CliContext context, string workflowId, string line)
    {
        if (context.Json)
        {
            await CliJson.WriteAsync(context.Out, new { workflowId, accepted = true });
        }
        else
        {
            await context.Out.WriteLineAsync(line);
        }
        return ExitCodes.Ok;
    }
}
