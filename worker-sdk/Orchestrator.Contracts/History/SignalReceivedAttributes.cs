using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>SignalReceived</c>. JSON: <c>{"signalName","input"}</c>.</summary>
/// <param name="SignalName">The signal name.</param>
/// <param name="Input">The signal payload (any JSON value, or null).</param>
public sealed record SignalReceivedAttributes(string SignalName, JsonElement? Input);
