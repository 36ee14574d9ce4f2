using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Api;

/// <summary>Whether a workflow may start with the id of a closed run (JSON: the name, e.g. <c>"RejectDuplicate"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkflowIdReusePolicy>))]
public enum WorkflowIdReusePolicy
{
    /// <summary>Always, once the previous run is closed.</summary>
    AllowDuplicate,

    /// <summary>Only when the previous run did not complete successfully.</summary>
    AllowDuplicateFailedOnly,

    /// <summary>Never.</summary>
    RejectDuplicate,
}
