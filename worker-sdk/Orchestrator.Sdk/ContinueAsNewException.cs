using System.Text.Json;

namespace Orchestrator.Sdk;

/// <summary>
/// Thrown by <see cref="WorkflowContext.ContinueAsNew"/>: it ends the run and starts the next one with the same workflow id.
/// Do not catch it (or rethrow it).
/// </summary>
public sealed class ContinueAsNewException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="input">The next run's input as JSON (null for none).</param>
    public ContinueAsNewException(JsonElement? input)
        : base("The workflow continues as new.") => Input = input;

    /// <summary>The next run's input as JSON.</summary>
    public JsonElement? Input { get; }
}
