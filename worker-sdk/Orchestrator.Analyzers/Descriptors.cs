using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Orchestrator.Analyzers;

/// <summary>
/// The rules (docs/analyzers.md has a section per id). A determinism rule (ORCH0001–ORCH0010) has two descriptors of one
/// id: inside a [Workflow] class it is reported as the code is analyzed; inside a helper only when the whole compilation
/// has been seen, because a use there counts only once a workflow is known to reach it. The message's second argument
/// says through which call a helper is reached (empty inside the workflow class itself).
/// </summary>
internal static class Descriptors
{
    public const string DeterminismCategory = "Orchestrator.Determinism";
    public const string UsageCategory = "Orchestrator.Usage";
    /// <summary>docs/analyzers.md of the repository (OrchestratorRepositoryUrl in the root Directory.Build.props), up to the anchor.</summary>
    private static readonly string HelpBase = typeof(Descriptors).Assembly.GetCustomAttributes(typeof(AssemblyMetadataAttribute), inherit: false)
        .OfType<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "OrchestratorRepositoryUrl").Value!.TrimEnd('/') + "/blob/main/docs/analyzers.md#";

    public static readonly DiagnosticDescriptor Clock = Determinism(
        DiagnosticIds.Clock,
        "Workflow code reads the machine clock",
        "'{0}' reads the machine clock, which differs on replay: use context.UtcNow, the time recorded in the workflow's history{1}");

    public static readonly DiagnosticDescriptor NewGuid = Determinism(
        DiagnosticIds.NewGuid,
        "Workflow code creates a random GUID",
        "'{0}' gives a different GUID on replay: use context.NewGuid(), drawn from the run's recorded seed{1}");

    public static readonly DiagnosticDescriptor Random = Determinism(
        DiagnosticIds.Random,
        "Workflow code uses an unseeded random generator",
        "'{0}' gives different numbers on replay: use context.Random, seeded from the run's recorded seed{1}");

    public static readonly DiagnosticDescriptor Delay = Determinism(
        DiagnosticIds.Delay,
        "Workflow code waits on a real timer",
        "'{0}' waits on a timer of this process, which neither survives a restart nor replays: use context.DelayAsync, a durable timer{1}");

    public static readonly DiagnosticDescriptor Threads = Determinism(
        DiagnosticIds.Threads,
        "Workflow code leaves the workflow scheduler",
        "'{0}' runs code on other threads, in an order that differs on replay: move the work into an activity (context.ExecuteActivityAsync), and for concurrency start several context calls and await Task.WhenAll{1}");

    public static readonly DiagnosticDescriptor ConfigureAwait = Determinism(
        DiagnosticIds.ConfigureAwait,
        "Workflow code awaits with ConfigureAwait(false)",
        "'{0}' continues on the thread pool instead of the workflow scheduler: remove ConfigureAwait(false) from workflow code (the SDK has no replacement; none is needed){1}");

    public static readonly DiagnosticDescriptor InputOutput = Determinism(
        DiagnosticIds.InputOutput,
        "Workflow code does I/O",
        "'{0}' does I/O, whose answer differs on replay: move it into an activity and call it with context.ExecuteActivityAsync{1}");

    public static readonly DiagnosticDescriptor Environment = Determinism(
        DiagnosticIds.Environment,
        "Workflow code reads an environment variable",
        "'{0}' reads this machine's environment, which differs on replay: pass the value in the workflow's input, or read it in an activity{1}");

    public static readonly DiagnosticDescriptor StaticState = Determinism(
        DiagnosticIds.StaticState,
        "Workflow code uses a static mutable field",
        "'{0}' is static mutable state shared by every run in the process, so a replay sees other values: keep state in the workflow's instance fields or locals, or make it readonly or const{1}");

    public static readonly DiagnosticDescriptor HashOrder = Determinism(
        DiagnosticIds.HashOrder,
        "Workflow code iterates a collection in hash order",
        "Iterating '{0}' depends on its keys' hash codes, which for '{2}' differ between processes (and its order is undefined): iterate a sorted copy (e.g. OrderBy with an ordinal comparer), or use SortedDictionary, SortedSet or a List{1}");

    public static readonly DiagnosticDescriptor Shape = new(
        DiagnosticIds.Shape,
        "Workflow or activity method has the wrong shape",
        "{0}",
        UsageCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The worker rejects, when it registers them, workflow classes and run methods that do not have the shape the SDK calls.",
        helpLinkUri: HelpBase + "orch0011");

    public static readonly DiagnosticDescriptor NotSerializable = new(
        DiagnosticIds.NotSerializable,
        "Workflow or activity parameter cannot be sent as JSON",
        "{0} '{1}' has type '{2}', which cannot be recorded as JSON in the workflow's history: {3}",
        UsageCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Workflow inputs and results and activity arguments and results are serialized with System.Text.Json and stored in history.",
        helpLinkUri: HelpBase + "orch0012");

    /// <summary>The determinism rules as reported inside a [Workflow] class (local: shown as you type, with code fixes).</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> DeterminismRules = ImmutableArray.Create(
        Clock, NewGuid, Random, Delay, Threads, ConfigureAwait, InputOutput, Environment, StaticState, HashOrder);

    /// <summary>
    /// The same rules as reported in a helper a workflow reaches: the same ids and messages, but known only once the whole
    /// compilation has been analyzed (so shown by builds and full-solution analysis, without code fixes).
    /// </summary>
    public static readonly ImmutableDictionary<string, DiagnosticDescriptor> InHelpers = DeterminismRules.ToImmutableDictionary(
        rule => rule.Id,
        rule => new DiagnosticDescriptor(
            rule.Id, rule.Title, rule.MessageFormat, rule.Category, rule.DefaultSeverity, rule.IsEnabledByDefault, rule.Description,
            rule.HelpLinkUri, WellKnownDiagnosticTags.CompilationEnd));

    private static DiagnosticDescriptor Determinism(string id, string title, string message) => new(
        id,
        title,
        message,
        DeterminismCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Workflow code is replayed from its history and must make the same decisions every time; this applies to every method a workflow calls in the same compilation.",
        helpLinkUri: HelpBase + id.ToLowerInvariant());
}
