using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Api;

/// <summary>What a schedule does when a time is due while a workflow it started is still running (JSON: the name).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleOverlapPolicy>))]
public enum ScheduleOverlapPolicy
{
    /// <summary>The time is skipped (counted in <c>overlapSkipped</c>). The default.</summary>
    Skip,

    /// <summary>One time is held and started when the running workflows closed; later ones are skipped meanwhile.</summary>
    BufferOne,

    /// <summary>Every time is held and started in order, each once the one before closed.</summary>
    BufferAll,

    /// <summary>The running workflows are asked to cancel; the time starts once they closed (later times replace it meanwhile).</summary>
    CancelOther,

    /// <summary>The running workflows are terminated and the time starts at once.</summary>
    TerminateOther,

    /// <summary>The time starts at once, whatever is running.</summary>
    AllowAll,
}
