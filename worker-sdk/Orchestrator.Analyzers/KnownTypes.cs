using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Orchestrator.Analyzers;

/// <summary>The types the rules recognise, resolved once per compilation (a type the compilation cannot see is null).</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation)
    {
        WorkflowAttribute = compilation.GetTypeByMetadataName("Orchestrator.Sdk.WorkflowAttribute");
        WorkflowRunAttribute = compilation.GetTypeByMetadataName("Orchestrator.Sdk.WorkflowRunAttribute");
        ActivityAttribute = compilation.GetTypeByMetadataName("Orchestrator.Sdk.ActivityAttribute");
        WorkflowContext = compilation.GetTypeByMetadataName("Orchestrator.Sdk.WorkflowContext");
        ActivityExecutionContext = compilation.GetTypeByMetadataName("Orchestrator.Sdk.ActivityExecutionContext");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        CancellationTokenSource = compilation.GetTypeByMetadataName("System.Threading.CancellationTokenSource");
        Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
        Type = compilation.GetTypeByMetadataName("System.Type");
        MemberInfo = compilation.GetTypeByMetadataName("System.Reflection.MemberInfo");
        DateTime = compilation.GetTypeByMetadataName("System.DateTime");
        DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
        Stopwatch = compilation.GetTypeByMetadataName("System.Diagnostics.Stopwatch");
        Environment = compilation.GetTypeByMetadataName("System.Environment");
        Guid = compilation.GetTypeByMetadataName("System.Guid");
        Random = compilation.GetTypeByMetadataName("System.Random");
        RandomNumberGenerator = compilation.GetTypeByMetadataName("System.Security.Cryptography.RandomNumberGenerator");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
        TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
        TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
        Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
        Timers = Resolve(compilation, "System.Threading.Timer", "System.Timers.Timer", "System.Threading.PeriodicTimer");
        ConfigureAwaitOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.ConfigureAwaitOptions");
        IoTypes = Resolve(
            compilation,
            "System.IO.File", "System.IO.Directory", "System.IO.FileInfo", "System.IO.DirectoryInfo", "System.IO.FileStream",
            "System.IO.DriveInfo", "System.IO.FileSystemWatcher", "System.Net.Http.HttpMessageInvoker", "System.Net.WebRequest",
            "System.Net.WebClient", "System.Net.Dns", "System.Net.Sockets.Socket", "System.Net.Sockets.TcpClient",
            "System.Net.Sockets.TcpListener", "System.Net.Sockets.UdpClient", "System.Data.Common.DbConnection",
            "System.Data.Common.DbCommand", "System.Data.Common.DbDataReader", "System.Data.Common.DbDataSource");
        HashCollections = Resolve(
            compilation,
            "System.Collections.Generic.HashSet`1", "System.Collections.Generic.Dictionary`2",
            "System.Collections.Generic.Dictionary`2+KeyCollection", "System.Collections.Generic.Dictionary`2+ValueCollection",
            "System.Collections.Concurrent.ConcurrentDictionary`2", "System.Collections.Immutable.ImmutableHashSet`1",
            "System.Collections.Immutable.ImmutableDictionary`2", "System.Collections.Frozen.FrozenSet`1",
            "System.Collections.Frozen.FrozenDictionary`2", "System.Collections.Hashtable");
        StableKeyTypes = Resolve(compilation, "System.DateTime", "System.DateTimeOffset", "System.TimeSpan", "System.Guid", "System.DateOnly", "System.TimeOnly");
    }

    public INamedTypeSymbol? WorkflowAttribute { get; }
    public INamedTypeSymbol? WorkflowRunAttribute { get; }
    public INamedTypeSymbol? ActivityAttribute { get; }
    public INamedTypeSymbol? WorkflowContext { get; }
    public INamedTypeSymbol? ActivityExecutionContext { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? CancellationTokenSource { get; }
    public INamedTypeSymbol? Stream { get; }
    public INamedTypeSymbol? Type { get; }
    public INamedTypeSymbol? MemberInfo { get; }
    public INamedTypeSymbol? DateTime { get; }
    public INamedTypeSymbol? DateTimeOffset { get; }
    public INamedTypeSymbol? Stopwatch { get; }
    public INamedTypeSymbol? Environment { get; }
    public INamedTypeSymbol? Guid { get; }
    public INamedTypeSymbol? Random { get; }
    public INamedTypeSymbol? RandomNumberGenerator { get; }
    public INamedTypeSymbol? Thread { get; }
    public INamedTypeSymbol? ThreadPool { get; }
    public INamedTypeSymbol? TaskFactory { get; }
    public INamedTypeSymbol? TaskFactoryOfT { get; }
    public INamedTypeSymbol? Parallel { get; }
    public INamedTypeSymbol? ConfigureAwaitOptions { get; }
    public IReadOnlyList<INamedTypeSymbol> Timers { get; }

    /// <summary>Types every member of which (and of every type derived from one) does I/O.</summary>
    public IReadOnlyList<INamedTypeSymbol> IoTypes { get; }

    /// <summary>Collections whose enumeration order is not defined by their contract (generic definitions).</summary>
    public IReadOnlyList<INamedTypeSymbol> HashCollections { get; }

    /// <summary>Value types, besides primitives and enums, whose hash code is the same in every process.</summary>
    public IReadOnlyList<INamedTypeSymbol> StableKeyTypes { get; }

    /// <summary>The types of a compilation that can see the SDK, or null: no rule applies where there is no [Workflow].</summary>
    public static KnownTypes? Create(Compilation compilation)
    {
        var types = new KnownTypes(compilation);
        return types.WorkflowAttribute is null ? null : types;
    }

    public bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

    public static bool DerivesFromAny(ITypeSymbol? type, IReadOnlyList<INamedTypeSymbol> bases)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (bases.Any(b => SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, b)))
            {
                return true;
            }
        }
        return false;
    }

    public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute) =>
        attribute is not null && symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

    private static IReadOnlyList<INamedTypeSymbol> Resolve(Compilation compilation, params string[] names) =>
        names.Select(compilation.GetTypeByMetadataName).Where(t => t is not null).Select(t => t!).ToList();
}
