using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Engine.Api;

/// <summary>The checks of what starts a run, shared by start and signal-with-start: each returns the problem's detail, or null.</summary>
internal static class StartChecks
{
    /// <summary>Most search attributes one request may carry.</summary>
    public const int MaxSearchAttributes = 100;

    public static string? Check(string? workflowType, string? taskQueue, string? workflowId, TimeSpan? runTimeout, RetryPolicyInfo? retry) =>
        ApiLimits.CheckName("workflowType", workflowType, required: true)
        ?? ApiLimits.CheckName("taskQueue", taskQueue, required: false)
        ?? ApiLimits.CheckWorkflowId(workflowId)
        ?? (runTimeout is { } timeout && timeout <= TimeSpan.Zero ? "'runTimeout' must be a positive duration such as \"00:05:00\"." : null)
        ?? (retry is not null && (retry.InitialInterval < TimeSpan.Zero || retry.MaximumInterval < TimeSpan.Zero
            || retry.MaximumAttempts < 0 || retry.BackoffCoefficient < 1 || retry.NonRetryableErrorTypes is null)
            ? "'retryPolicy' needs {\"initialInterval\",\"backoffCoefficient\" (>= 1),\"maximumInterval\",\"maximumAttempts\" (>= 0),\"nonRetryableErrorTypes\":[]}."
            : null);

    /// <summary>
    /// The shape of <c>searchAttributes</c> (an object is enforced by its type): names as other names, each value a string,
    /// number, boolean or null, or an array of those.
    /// </summary>
    public static string? CheckSearchAttributes(IReadOnlyDictionary<string, JsonElement>? attributes)
    {
        if (attributes is null)
        {
            return null;
        }
        if (attributes.Count > MaxSearchAttributes)
        {
            return $"'searchAttributes' may hold at most {MaxSearchAttributes} attributes.";
        }
        foreach (var (name, value) in attributes)
        {
            if (ApiLimits.CheckName("searchAttributes name", name, required: true) is { } error)
            {
                return error;
            }
            var scalar = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().All(IsScalar) : IsScalar(value);
            if (!scalar)
            {
                return $"Search attribute '{name}' must be a string, number, boolean or null, or an array of those.";
            }
        }
        return null;
    }

    private static bool IsScalar(JsonElement value) =>
        value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;
}
