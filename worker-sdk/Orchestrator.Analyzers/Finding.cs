using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Orchestrator.Analyzers;

/// <summary>A use of a non-deterministic API in some member, reported once a workflow is known to reach that member.</summary>
internal sealed class Finding(DiagnosticDescriptor descriptor, Location location, string what, string? detail = null, string? fix = null)
{
    public DiagnosticDescriptor Descriptor { get; } = descriptor;
    public Location Location { get; } = location;

    /// <summary>The API as written in the message, e.g. <c>DateTime.UtcNow</c>.</summary>
    public string What { get; } = what;

    /// <summary>A further message argument (ORCH0010: the key type).</summary>
    public string? Detail { get; } = detail;

    /// <summary>The code fix's kind (<see cref="FixKinds"/>), or null when none is mechanical.</summary>
    public string? Fix { get; } = fix;

    /// <summary>The diagnostic: with the code fix's kind in its properties only where it is local (the IDE fixes only those).</summary>
    public Diagnostic ToDiagnostic(DiagnosticDescriptor descriptor, string via, bool local)
    {
        var properties = Fix is null || !local
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(FixKinds.Key, Fix);
        return Detail is null
            ? Diagnostic.Create(descriptor, Location, properties, What, via)
            : Diagnostic.Create(descriptor, Location, properties, What, via, Detail);
    }
}

/// <summary>The mechanical code fixes, named in a diagnostic's properties for Orchestrator.Analyzers.CodeFixes.</summary>
internal static class FixKinds
{
    public const string Key = "OrchestratorFix";

    /// <summary><c>DateTime.UtcNow</c> → <c>context.UtcNow.UtcDateTime</c>.</summary>
    public const string UtcDateTime = "UtcDateTime";

    /// <summary><c>DateTimeOffset.UtcNow</c> → <c>context.UtcNow</c>.</summary>
    public const string UtcNow = "UtcNow";

    /// <summary><c>Guid.NewGuid()</c> → <c>context.NewGuid()</c>.</summary>
    public const string NewGuid = "NewGuid";

    /// <summary><c>Random.Shared</c> → <c>context.Random</c>.</summary>
    public const string Random = "Random";

    /// <summary><c>Task.Delay(x)</c> → <c>context.DelayAsync(x)</c>.</summary>
    public const string DelayAsync = "DelayAsync";
}
