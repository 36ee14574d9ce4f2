using System.Text.Json;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Engine.Reset;

/// <summary>A checked <c>POST /api/v1/workflows/{workflowId}/reset</c> body (<see cref="Read"/>).</summary>
/// <param name="RunId">The run to reset (null: the workflow's latest run).</param>
/// <param name="Target">Where to.</param>
/// <param name="Reason">Why (not blank).</param>
internal sealed record ResetRequest(Guid? RunId, ResetTarget Target, string Reason)
{
    /// <summary>Longest reason: it is recorded in the old run's history.</summary>
    public const int MaxReasonLength = 2000;

    private const string Shape =
        "The request body must be {\"reason\", \"runId\"?, \"eventId\"? | \"to\": \"LastWorkflowTask\" | \"FirstWorkflowTask\"}.";

    /// <summary>The request in <paramref name="body"/>, or why it is not one (a 400's detail).</summary>
    public static ResetRequest? Read(JsonElement? body, out string? error)
    {
        error = null;
        if (body is not { ValueKind: JsonValueKind.Object } b)
        {
            error = Shape;
            return null;
        }
        if (!b.TryGetProperty("reason", out var r) || r.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(r.GetString()))
        {
            error = "'reason' is required: a text saying why (the old run, when open, is terminated with reason \"reset: {reason}\").";
            return null;
        }
        if (r.GetString()!.Length > MaxReasonLength)
        {
            error = $"'reason' is longer than {MaxReasonLength} characters.";
            return null;
        }
        Guid? runId = null;
        if (b.TryGetProperty("runId", out var id) && id.ValueKind != JsonValueKind.Null)
        {
            if (id.ValueKind != JsonValueKind.String || !Guid.TryParse(id.GetString(), out var parsed))
            {
                error = "'runId' must be a run id (a UUID).";
                return null;
            }
            runId = parsed;
        }
        long? eventId = null;
        if (b.TryGetProperty("eventId", out var e) && e.ValueKind != JsonValueKind.Null)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var n) || n < 1)
            {
                error = "'eventId' must be a whole number from 1: the event id of a workflow task's event.";
                return null;
            }
            eventId = n;
        }
        ResetTo? to = null;
        if (b.TryGetProperty("to", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            var name = t.ValueKind == JsonValueKind.String
                ? Enum.GetNames<ResetTo>().FirstOrDefault(n => string.Equals(n, t.GetString(), StringComparison.OrdinalIgnoreCase))
                : null;
            if (name is null)
            {
                error = $"'to' must be one of {string.Join(", ", Enum.GetNames<ResetTo>())}.";
                return null;
            }
            to = Enum.Parse<ResetTo>(name);
        }
        if ((eventId is null) == (to is null))
        {
            error = "Give exactly one of 'eventId' (a workflow task's event) and 'to' (LastWorkflowTask or FirstWorkflowTask).";
            return null;
        }
        return new ResetRequest(runId, new ResetTarget(eventId, to), r.GetString()!);
    }
}
