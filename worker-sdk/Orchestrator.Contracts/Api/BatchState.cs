using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Api;

/// <summary>Where a batch is (JSON: the name, e.g. <c>"Running"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BatchState>))]
public enum BatchState
{
    /// <summary>Acting on its runs.</summary>
    Running,

    /// <summary>Every run it targets was acted on (done or failed).</summary>
    Completed,

    /// <summary>Canceled by a client: the runs not reached yet were left as they were.</summary>
    Canceled,
}
