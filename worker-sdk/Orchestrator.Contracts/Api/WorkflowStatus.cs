using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Api;

/// <summary>The state of a workflow run, as the REST API reports it (JSON: the name, e.g. <c>"Running"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowStatus>))]
public enum WorkflowStatus
{
    /// <summary>Open.</summary>
    Running,

    /// <summary>Returned a result.</summary>
    Completed,

    /// <summary>Threw.</summary>
    Failed,

    /// <summary>Ended after a cancellation request.</summary>
    Canceled,

    /// <summary>Terminated: no workflow code ran.</summary>
    Terminated,

    /// <summary>Closed and continued by a new run with the same workflow id.</summary>
    ContinuedAsNew,

    /// <summary>Its run timeout passed.</summary>
    TimedOut,
}
