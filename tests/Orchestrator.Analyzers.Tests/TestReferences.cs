using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.Extensions.Logging;
using Orchestrator.Sdk;

namespace Orchestrator.Analyzers.Tests;

/// <summary>
/// What test sources compile against: the .NET reference assemblies of the SDK that built the tests (its targeting pack,
/// named by the project file), plus the real Orchestrator.Sdk and what its public API exposes. Nothing is downloaded.
/// </summary>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyAll = new(Load);

    /// <summary>No reference package: the framework does not resolve anything through NuGet.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> All => LazyAll.Value;

    private static ImmutableArray<MetadataReference> Load()
    {
        var directory = typeof(TestReferences).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NetCoreReferenceAssemblies").Value!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The .NET targeting pack of the SDK that built the tests is not at {directory}.");
        }
        var framework = Directory.GetFiles(directory, "*.dll").Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var sdk = new[] { typeof(WorkflowContext), typeof(Orchestrator.Contracts.FailureInfo), typeof(ILogger) }
            .Select(t => (MetadataReference)MetadataReference.CreateFromFile(t.Assembly.Location));
        return [.. framework, .. sdk];
    }
}
