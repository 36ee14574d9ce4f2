using System.Reflection;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Replay;

/// <summary>Finds the workflow class to replay in the user's assembly: by full name, by class name, or by workflow type name.</summary>
internal static class WorkflowTypeFinder
{
    /// <param name="assembly">The user's assembly.</param>
    /// <param name="name">What <c>--type</c> gave, or null: the class whose workflow type name is <paramref name="historyType"/>.</param>
    /// <param name="historyType">The workflow type the history's WorkflowStarted names, if any.</param>
    public static Type Find(Assembly assembly, string? name, string? historyType)
    {
        var types = LoadableTypes(assembly);
        var file = Path.GetFileName(assembly.Location);
        List<Type> matches;
        if (name is not null)
        {
            matches = types.Where(t => t.FullName == name).ToList();
            if (matches.Count == 0)
            {
                matches = types.Where(t => t.Name == name || t.FullName?.Replace('+', '.') == name).ToList();
            }
        }
        else if (historyType is not null)
        {
            matches = types.Where(t => WorkflowName(t) == historyType).ToList();
        }
        else
        {
            throw new CliException(ExitCodes.Usage, "the history does not say its workflow type: give --type.");
        }
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException(ExitCodes.NotFound,
                $"{file} has no {(name is null ? $"workflow class of workflow type '{historyType}'" : $"type '{name}'")}; its workflow classes: {Workflows(types)}."),
            _ => throw new CliException(ExitCodes.Usage,
                $"'{name ?? historyType}' is ambiguous in {file}: {string.Join(", ", matches.Select(t => t.FullName))}; give --type with the full name."),
        };
    }

    /// <summary>The workflow type name a class runs as (<c>[Workflow("name")]</c>, else the class name); null when it is no workflow.</summary>
    public static string? WorkflowName(Type type) =>
        type.GetCustomAttribute<WorkflowAttribute>() is { } attribute ? attribute.Name ?? type.Name : null;

    private static string Workflows(IEnumerable<Type> types)
    {
        var names = types.Where(t => WorkflowName(t) is not null).Select(t => t.FullName).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    /// <summary>The assembly's types; those whose own dependencies are missing (e.g. of test frameworks) are left out.</summary>
    private static List<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return [.. assembly.GetTypes()];
        }
        catch (ReflectionTypeLoadException e)
        {
            return [.. e.Types.OfType<Type>()];
        }
    }
}
