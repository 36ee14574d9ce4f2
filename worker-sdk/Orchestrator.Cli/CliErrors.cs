using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Orchestrator.Sdk;

namespace Orchestrator.Cli;

/// <summary>Turns what a command threw into its exit code and one line for stderr (no stack traces).</summary>
internal static partial class CliErrors
{
    public static (int ExitCode, string Message) Describe(Exception exception, CliContext context, CancellationToken cancellationToken)
    {
        var address = context.AddressText;
        return exception switch
        {
            CliException e => (e.ExitCode, e.Message),
            OrchestratorApiException { StatusCode: HttpStatusCode.NotFound } e => (ExitCodes.NotFound, $"not found: {e.Detail ?? e.Title}"),
            OrchestratorApiException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } e => (ExitCodes.Unreachable,
                $"the engine at {address} refused the call ({(int)e.StatusCode} {e.Title}): "
                + (context.HasApiKey ? "the API key given is not the engine's." : $"it needs an API key: pass --api-key or set {GlobalOptions.ApiKeyVariable}.")),
            OrchestratorApiException { StatusCode: HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.RequestEntityTooLarge } e =>
                (ExitCodes.Usage, $"the engine refused the request ({(int)e.StatusCode} {e.Title}): {e.Detail ?? e.Title}"),
            OrchestratorApiException { StatusCode: HttpStatusCode.UnprocessableEntity } e => (ExitCodes.WorkflowFailed, $"{e.Title}: {e.Detail ?? e.Title}"),
            WorkflowUpdateFailedException e => (ExitCodes.WorkflowFailed, $"the update failed: {e.Failure.Type}: {e.Failure.Message}"),
            OrchestratorApiException e => (ExitCodes.Unreachable, $"the engine at {address} answered {(int)e.StatusCode} {e.Title}{(e.Detail is null ? "" : ": " + e.Detail)}"),
            HttpRequestException e => (ExitCodes.Unreachable, $"cannot reach the engine at {address}: {Reason(e)}"),
            OperationCanceledException when cancellationToken.IsCancellationRequested => (ExitCodes.Interrupted, "interrupted."),
            OperationCanceledException or TimeoutException => (ExitCodes.Unreachable, $"the engine at {address} did not answer in time."),
            JsonException or NotSupportedException => (ExitCodes.Unreachable, $"the server at {address} did not answer as an Orchestrator engine ({exception.Message})."),
            _ => (ExitCodes.InternalError, $"internal error of the CLI, please report it: {exception.GetType().Name}: {exception.Message}"),
        };
    }

    /// <summary>The innermost useful reason (e.g. "Connection refused (127.0.0.1:5080)").</summary>
    private static string Reason(HttpRequestException exception) =>
        exception.InnerException switch
        {
            SocketException socket => socket.Message,
            { } inner when inner.InnerException is SocketException socket => socket.Message,
            { } inner => inner.Message,
            null => exception.Message,
        };

    /// <summary>One line: the messages of the engine and of exceptions may hold line breaks.</summary>
    public static string OneLine(string message) => WhiteSpace().Replace(message, " ").Trim();

    [System.Text.RegularExpressions.GeneratedRegex(@"\s+")]
    private static partial System.Text.RegularExpressions.Regex WhiteSpace();
}
