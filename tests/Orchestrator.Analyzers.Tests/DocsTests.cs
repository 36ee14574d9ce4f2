using System.Runtime.CompilerServices;

namespace Orchestrator.Analyzers.Tests;

/// <summary>Every rule has its section in docs/analyzers.md (the help link's anchor) and its row in docs/testing.md.</summary>
public sealed class DocsTests
{
    public static TheoryData<string> Ids { get; } = new(
        new DeterminismAnalyzer().SupportedDiagnostics.Concat(new MethodShapeAnalyzer().SupportedDiagnostics).Select(d => d.Id).Distinct());

    [Theory(Timeout = TestTimeouts.Unit)]
    [MemberData(nameof(Ids))]
    public async Task Rule_HasItsSectionAndItsRow(string id)
    {
        var analyzers = await File.ReadAllLinesAsync(Path.Combine(DocsDirectory(), "analyzers.md"));
        var testing = await File.ReadAllTextAsync(Path.Combine(DocsDirectory(), "testing.md"));
        Assert.Single(analyzers, line => line == "## " + id);
        Assert.Contains($"| [{id}](analyzers.md#{id.ToLowerInvariant()}) |", testing, StringComparison.Ordinal);
        Assert.Contains(analyzers, line => line.StartsWith($"| [{id}](#{id.ToLowerInvariant()}) |", StringComparison.Ordinal));
    }

    private static string DocsDirectory([CallerFilePath] string file = "") => Path.Combine(Path.GetDirectoryName(file)!, "..", "..", "docs");
}
