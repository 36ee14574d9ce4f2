using System.Text.Json;
using Orchestrator.Engine.Api;

namespace Orchestrator.Engine.Batches;

/// <summary>A checked <c>POST /api/v1/batches</c> body (<see cref="Read"/>).</summary>
/// <param name="Query">The list query (not blank; parsed later, with positions).</param>
/// <param name="Operation"><c>cancel</c>, <c>terminate</c> or <c>signal</c>.</param>
/// <param name="SignalName">The signal's name (signal only).</param>
/// <param name="Input">The signal's payload (signal only), null for none.</param>
/// <param name="Reason">The reason (cancel and terminate only).</param>
/// <param name="MaxPerSecond">The rate (null: the default).</param>
internal sealed record BatchRequest(string Query, string Operation, string? SignalName, JsonElement? Input, string? Reason, int? MaxPerSecond)
{
    public const string Cancel = "cancel";
    public const string Terminate = "terminate";
    public const string Signal = "signal";

    /// <summary>Longest reason: it is recorded in every run's history.</summary>
    public const int MaxReasonLength = 2000;

    private const string Shape =
        "The request body must be {\"query\", \"operation\": \"cancel\" | \"terminate\" | \"signal\", \"signalName\"?, \"input\"?, \"reason\"?, \"maxPerSecond\"?}.";

    /// <summary>The request in <paramref name="body"/>, or why it is not one (a 400's detail).</summary>
    public static BatchRequest? Read(JsonElement? body, int maxPerSecondLimit, out string? error)
    {
        error = null;
        if (body is not { ValueKind: JsonValueKind.Object } b)
        {
            error = Shape;
            return null;
        }
        if (!b.TryGetProperty("query", out var q) || q.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(q.GetString()))
        {
            error = "'query' is required: a list query such as WorkflowType = 'OrderWorkflow' (docs/visibility.md); the batch acts on the open runs it matches.";
            return null;
        }
        var operation = b.TryGetProperty("operation", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()!.ToLowerInvariant() : null;
        if (operation is not (Cancel or Terminate or Signal))
        {
            error = "'operation' must be one of cancel, terminate, signal.";
            return null;
        }
        var signalName = Text(b, "signalName", out var signalNameError);
        var reason = Text(b, "reason", out var reasonError);
        error = signalNameError ?? reasonError;
        if (error is not null)
        {
            return null;
        }
        var input = b.TryGetProperty("input", out var i) && i.ValueKind != JsonValueKind.Null ? i.Clone() : (JsonElement?)null;
        if (operation == Signal)
        {
            error = ApiLimits.CheckName("signalName", signalName, required: true) ?? (reason is not null ? "'reason' is for operations cancel and terminate." : null);
        }
        else
        {
            error = signalName is not null ? "'signalName' is only for operation signal."
                : input is not null ? "'input' is only for operation signal."
                : reason is { Length: > MaxReasonLength } ? $"'reason' is longer than {MaxReasonLength} characters."
                : null;
        }
        if (error is not null)
        {
            return null;
        }
        int? rate = null;
        if (b.TryGetProperty("maxPerSecond", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.Number || !m.TryGetInt32(out var r) || r < 1 || r > maxPerSecondLimit)
            {
                error = $"'maxPerSecond' must be a whole number from 1 to {maxPerSecondLimit}.";
                return null;
            }
            rate = r;
        }
        return new BatchRequest(q.GetString()!, operation, signalName, input, reason, rate);
    }

    /// <summary>An optional string property (null when absent or null).</summary>
    private static string? Text(JsonElement body, string name, out string? error)
    {
        error = null;
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            error = $"'{name}' must be a string.";
            return null;
        }
        return value.GetString();
    }
}
