using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Sdk.Runtime;

/// <summary>The outcome of one activity attempt: a JSON result, or a failure whose <see cref="FailureInfo.Type"/> is the exception's class name.</summary>
/// <param name="Result">The return value as JSON (null for none or on failure).</param>
/// <param name="Failure">The failure, or null on success.</param>
internal sealed record ActivityResult(JsonElement? Result, FailureInfo? Failure)
{
    public bool Succeeded => Failure is null;
}
