namespace Orchestrator.Dashboard;

/// <summary>The dashboard's log messages (source-generated). Event ids: 1xx sign-in, 2xx actions on runs.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "{User} ({Role}) signed in from {Client}")]
    public static partial void SignedIn(ILogger logger, string user, string role, string client);

    [LoggerMessage(101, LogLevel.Warning, "Failed login as '{UserName}' from {Client}")]
    public static partial void LoginFailed(ILogger logger, string userName, string client);

    [LoggerMessage(102, LogLevel.Warning, "Login from {Client} refused: too many failed logins in the last minute")]
    public static partial void LoginThrottled(ILogger logger, string client);

    [LoggerMessage(103, LogLevel.Information, "{User} signed out")]
    public static partial void SignedOut(ILogger logger, string user);

    [LoggerMessage(104, LogLevel.Warning, "Orchestrator:Dashboard:AllowAnonymous is true: there is no login, and everyone who reaches the dashboard may signal, cancel and terminate runs. For local development only")]
    public static partial void AnonymousAccess(ILogger logger);

    [LoggerMessage(105, LogLevel.Information, "The session of {User} ended: that user is no longer configured with its role")]
    public static partial void SessionRevoked(ILogger logger, string user);

    [LoggerMessage(106, LogLevel.Warning, "A {Method} to {Path} was refused: its antiforgery token is missing or wrong")]
    public static partial void AntiforgeryFailed(ILogger logger, string method, string path);

    [LoggerMessage(200, LogLevel.Information, "{User} sent {Action} to {WorkflowId}: {Answer}")]
    public static partial void ActionSent(ILogger logger, string user, string action, string workflowId, string answer);

    [LoggerMessage(201, LogLevel.Warning, "{User} ({Role}) was refused {Action} on {WorkflowId}: the Operator role is needed")]
    public static partial void ActionRefused(ILogger logger, string user, string role, string action, string workflowId);
}
