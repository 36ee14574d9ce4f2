using System.Reflection;
using System.Runtime.Loader;

namespace Orchestrator.Cli.Replay;

/// <summary>
/// Loads the user's workflow assembly and its dependencies from its folder (its <c>.deps.json</c>, through
/// <see cref="AssemblyDependencyResolver"/>), but shares with the CLI every assembly the CLI itself carries at the same
/// or a higher version: always Orchestrator.Sdk and Orchestrator.Contracts, so the workflow's <c>[Workflow]</c>,
/// <c>WorkflowContext</c> and the CLI's <c>WorkflowReplayer</c> are one type each, and the libraries the SDK exposes
/// (logging abstractions, ...) likewise. An assembly the CLI has only in an older version than the user's comes from the
/// user's folder. A workflow assembly built against a newer Orchestrator.Sdk than the CLI's is refused before anything
/// runs (<see cref="CheckSdkVersion"/>).
/// </summary>
internal sealed class WorkflowLoadContext : AssemblyLoadContext
{
    private static readonly string[] AlwaysShared = ["Orchestrator.Sdk", "Orchestrator.Contracts"];

    private readonly AssemblyDependencyResolver _resolver;
    private readonly Dictionary<string, string> _cliAssemblies;

    public WorkflowLoadContext(string assemblyPath) : base("orchestrator-replay")
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
        _cliAssemblies = CliAssemblies();
    }

    /// <summary>The version of Orchestrator.Sdk that replays (the CLI's).</summary>
    public static Version SdkVersion => typeof(Sdk.WorkflowReplayer).Assembly.GetName().Version ?? new Version(0, 0);

    /// <summary>Refuses an assembly built against a newer SDK than the CLI's; returns a note when it was built against an older one.</summary>
    public static string? CheckSdkVersion(Assembly workflows)
    {
        var referenced = workflows.GetReferencedAssemblies().FirstOrDefault(a => a.Name == "Orchestrator.Sdk");
        if (referenced?.Version is not { } version)
        {
            throw new CliException(ExitCodes.Usage, $"{Path.GetFileName(workflows.Location)} does not reference Orchestrator.Sdk: it holds no workflows.");
        }
        if (version > SdkVersion)
        {
            throw new CliException(ExitCodes.Usage,
                $"{Path.GetFileName(workflows.Location)} was built against Orchestrator.Sdk {version}, newer than this CLI's {SdkVersion}: update the tool (dotnet tool update Orchestrator.Cli).");
        }
        return version < SdkVersion ? $"note: {Path.GetFileName(workflows.Location)} was built against Orchestrator.Sdk {version}; replaying with the CLI's {SdkVersion}." : null;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        if (name is null || AlwaysShared.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return null; // the CLI's (default context)
        }
        if (_cliAssemblies.TryGetValue(name, out var cliPath) && AssemblyName.GetAssemblyName(cliPath).Version is var cliVersion
            && (assemblyName.Version is null || cliVersion >= assemblyName.Version))
        {
            return null;
        }
        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;

    /// <summary>The assemblies of the CLI's process (framework and the CLI's own), by simple name.</summary>
    private static Dictionary<string, string> CliAssemblies()
    {
        var paths = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in paths)
        {
            byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        }
        return byName;
    }
}
