using System.CommandLine;

namespace Orchestrator.Cli.Commands;

/// <summary>Arguments and options several workflow commands share.</summary>
internal static class WorkflowArguments
{
    public static Argument<string> WorkflowId() => new("workflow-id") { Description = "The workflow id" };

    public static Option<string?> RunId() => new("--run-id") { Description = "A run of the workflow (default: its latest run)" };
}
