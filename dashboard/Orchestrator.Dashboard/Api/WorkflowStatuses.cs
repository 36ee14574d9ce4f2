namespace Orchestrator.Dashboard.Api;

/// <summary>The run statuses the REST API reports, in the order the dashboard shows them.</summary>
internal static class WorkflowStatuses
{
    public const string Running = nameof(Running);
    public const string Completed = nameof(Completed);
    public const string Failed = nameof(Failed);
    public const string Canceled = nameof(Canceled);
    public const string Terminated = nameof(Terminated);
    public const string ContinuedAsNew = nameof(ContinuedAsNew);
    public const string TimedOut = nameof(TimedOut);

    public static IReadOnlyList<string> All { get; } = [Running, Completed, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut];
}
