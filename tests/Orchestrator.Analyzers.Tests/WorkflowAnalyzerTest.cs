using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Orchestrator.Analyzers.Tests;

/// <summary>
/// Microsoft.CodeAnalysis.Testing's analyzer and code fix test, with both of the package's analyzers at once (so a test
/// also fails on a diagnostic of the other one that it did not expect) and the offline references.
/// </summary>
internal sealed class WorkflowAnalyzerTest : CSharpCodeFixTest<DeterminismAnalyzer, WorkflowContextFixProvider, DefaultVerifier>
{
    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Data.Common;
        using System.Diagnostics;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Net.Sockets;
        using System.Security.Cryptography;
        using System.Threading;
        using System.Threading.Tasks;
        using Orchestrator.Sdk;

        """;

    public WorkflowAnalyzerTest()
    {
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.All);
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => [new DeterminismAnalyzer(), new MethodShapeAnalyzer()];

    /// <summary>Analyzes <paramref name="source"/> (after <see cref="Usings"/>) and expects exactly <paramref name="expected"/>.</summary>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new WorkflowAnalyzerTest { TestCode = Usings + source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Applies the code fixes to <paramref name="source"/> and expects <paramref name="fixedSource"/> (both after <see cref="Usings"/>).</summary>
    public static Task VerifyFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new WorkflowAnalyzerTest { TestCode = Usings + source, FixedCode = Usings + fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>
    /// Expects no fix for a helper's diagnostic. The framework refuses to ask a code fix about a non-local (compilation end)
    /// diagnostic at all, since the IDE never would; this asks all the same and expects the source unchanged.
    /// </summary>
    public static Task VerifyNoFixForHelperAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new WorkflowAnalyzerTest
        {
            TestCode = Usings + source,
            FixedCode = Usings + source,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static DiagnosticResult Diagnostic(string id) => new(id, Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
}
