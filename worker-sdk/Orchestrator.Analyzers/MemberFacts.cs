using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Orchestrator.Analyzers;

/// <summary>What one member's body does, as far as the determinism rules care: its findings and the members it calls.</summary>
internal sealed class MemberFacts
{
    public ConcurrentQueue<Finding> Findings { get; } = new();

    /// <summary>Members of this compilation (with a body) that the body calls, reads or constructs.</summary>
    public ConcurrentQueue<ISymbol> Callees { get; } = new();
}
