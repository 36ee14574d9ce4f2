using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Api;

/// <summary>What a batch does to each run it targets (JSON: <c>"cancel"</c>, <c>"terminate"</c>, <c>"signal"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BatchOperation>))]
public enum BatchOperation
{
    /// <summary>Requests cancellation (cooperative: the workflow sees it and may compensate).</summary>
    [JsonStringEnumMemberName("cancel")]
    Cancel,

    /// <summary>Terminates at once (no workflow code runs).</summary>
    [JsonStringEnumMemberName("terminate")]
    Terminate,

    /// <summary>Sends a signal (<see cref="StartBatchRequest.SignalName"/> with <see cref="StartBatchRequest.Input"/>).</summary>
    [JsonStringEnumMemberName("signal")]
    Signal,
}
