using System.Text.Json;

namespace Orchestrator.Contracts.History;

/// <summary>
/// The <c>details</c> of a <c>MarkerRecorded</c> whose <c>markerName</c> is <c>"sideEffect"</c> (<see cref="MarkerName"/>): the
/// value a <c>SideEffect</c> function returned the first time the code reached it; replay returns it without calling the
/// function. JSON: <c>{"seq","value"}</c>.
/// </summary>
/// <param name="Seq">The call's sequence number (shared with activities, timers and children); the marker is matched by it on replay.</param>
/// <param name="Value">The value as JSON (null for null).</param>
public sealed record SideEffectMarkerDetails(int Seq, JsonElement? Value)
{
    /// <summary>The marker name of side effect markers.</summary>
    public const string MarkerName = "sideEffect";
}
