using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Api;

/// <summary>Which workflow task of a run a reset goes back to, when no event id is given (JSON: the member's name).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResetTo>))]
public enum ResetTo
{
    /// <summary>The run's last workflow task that completed: its last successful decision point.</summary>
    LastWorkflowTask,

    /// <summary>The run's first workflow task: only its start (and the signals it started with) is kept.</summary>
    FirstWorkflowTask,
}
