using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Orchestrator.Analyzers.Tests;

/// <summary>Samples/Violations.cs, compiled as a user's project would be: each rule exactly once, where its comment says.</summary>
public sealed class SampleTests
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Violations_GetEachIdExactlyOnce_OnTheMarkedLine()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Samples", "Violations.cs");
        var text = await File.ReadAllTextAsync(path);
        var tree = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest), path);
        var globalUsings = CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Threading; global using System.Threading.Tasks;",
            new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "Violations",
            [tree, globalUsings],
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await compilation
            .WithAnalyzers([new DeterminismAnalyzer(), new MethodShapeAnalyzer()])
            .GetAnalyzerDiagnosticsAsync();

        var expected = Enumerable.Range(1, 12).Select(n => $"ORCH{n:0000}").ToList();
        Assert.Equal(expected, diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal).ToList());
        var lines = text.Split('\n');
        foreach (var diagnostic in diagnostics)
        {
            var line = lines[diagnostic.Location.GetLineSpan().StartLinePosition.Line];
            Assert.True(line.TrimEnd().EndsWith("// " + diagnostic.Id, StringComparison.Ordinal), $"{diagnostic} is on the line: {line}");
            Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
            Assert.StartsWith("https://", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
            Assert.EndsWith($"/blob/main/docs/analyzers.md#{diagnostic.Id.ToLowerInvariant()}", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
        }
    }
}
