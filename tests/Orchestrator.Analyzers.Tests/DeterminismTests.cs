using Microsoft.CodeAnalysis.Testing;
using static Orchestrator.Analyzers.Tests.WorkflowAnalyzerTest;

namespace Orchestrator.Analyzers.Tests;

/// <summary>Every API of ORCH0001–ORCH0010: flagged in a workflow, flagged through a helper it calls, left alone in activities and ordinary classes.</summary>
public sealed class DeterminismTests
{
    [Theory(Timeout = TestTimeouts.Unit)]
    [MemberData(nameof(DeterminismCase.All), MemberType = typeof(DeterminismCase))]
    public Task Use_InWorkflow_IsFlagged(DeterminismCase use) => VerifyAsync(
        $$"""
        [Workflow]
        public sealed class OrderWorkflow
        {
            {{use.Members}}

            [WorkflowRun]
            public async Task RunAsync(WorkflowContext context)
            {
                await context.DelayAsync(TimeSpan.FromSeconds(1));
                {{use.Statements}}
            }
        }
        """,
        Expected(use, "OrderWorkflow", ""));

    [Theory(Timeout = TestTimeouts.Unit)]
    [MemberData(nameof(DeterminismCase.All), MemberType = typeof(DeterminismCase))]
    public Task Use_InHelperTheWorkflowCalls_IsFlaggedInTheHelper(DeterminismCase use) => VerifyAsync(
        $$"""
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public async Task RunAsync(WorkflowContext context) => await Pricing.QuoteAsync(context);
        }

        internal static class Pricing
        {
            {{use.Members}}

            public static async Task QuoteAsync(WorkflowContext context)
            {
                await context.DelayAsync(TimeSpan.FromSeconds(1));
                {{use.Statements}}
            }
        }
        """,
        Expected(use, "Pricing", " (reached from workflow 'OrderWorkflow' through 'Pricing.QuoteAsync')"));

    [Theory(Timeout = TestTimeouts.Unit)]
    [MemberData(nameof(DeterminismCase.All), MemberType = typeof(DeterminismCase))]
    public Task Use_InActivityTheWorkflowRuns_IsNotFlagged(DeterminismCase use) => VerifyAsync(
        $$"""
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public Task RunAsync(WorkflowContext context) => context.ExecuteActivityAsync((OrderActivities a) => a.ChargeAsync("order-1"));
        }

        public sealed class OrderActivities
        {
            {{use.Members}}

            [Activity]
            public async Task ChargeAsync(string orderId)
            {
                await Task.Yield();
                {{use.Statements}}
            }
        }
        """.Replace("{|#0:", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal));

    [Theory(Timeout = TestTimeouts.Unit)]
    [MemberData(nameof(DeterminismCase.All), MemberType = typeof(DeterminismCase))]
    public Task Use_InOrdinaryClass_IsNotFlagged(DeterminismCase use) => VerifyAsync(
        $$"""
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public Task RunAsync(WorkflowContext context) => context.DelayAsync(TimeSpan.FromSeconds(1));
        }

        internal static class Reports
        {
            {{use.Members}}

            public static async Task WriteAsync()
            {
                await Task.Yield();
                {{use.Statements}}
            }
        }
        """.Replace("{|#0:", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal));

    [Theory(Timeout = TestTimeouts.Unit)]
    [MemberData(nameof(DeterminismCase.Deterministic), MemberType = typeof(DeterminismCase))]
    public Task DeterministicCode_InWorkflow_IsNotFlagged(string statements) => VerifyAsync(
        $$"""
        [Workflow]
        public sealed class OrderWorkflow
        {
            private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
            private const int Attempts = 3;
            private int _steps;

            [WorkflowRun]
            public async Task RunAsync(WorkflowContext context)
            {
                _steps += Attempts + Timeout.Seconds;
                {{statements}}
            }
        }
        """);

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Use_InTheFunctionOfSideEffect_IsNotFlagged_ButBesideItIs() => VerifyAsync(
        """
        [Workflow]
        public sealed class TokenWorkflow
        {
            [WorkflowRun]
            public async Task<string> RunAsync(WorkflowContext context)
            {
                await context.DelayAsync(TimeSpan.FromSeconds(1));
                var token = context.SideEffect(() => Guid.NewGuid().ToString("N"));   // recorded once, replayed
                var at = context.SideEffect(() => DateTime.UtcNow);
                var host = context.SideEffect(Machine.Name);                          // a method group: not entered either
                var id = {|#0:Guid.NewGuid()|};                                       // beside it: still workflow code
                return $"{token} {at} {host} {id}";
            }
        }

        internal static class Machine
        {
            public static string Name() => Environment.MachineName + DateTime.Now.Ticks;
        }
        """,
        Diagnostic("ORCH0002").WithLocation(0).WithArguments("Guid.NewGuid()", ""));

    private static DiagnosticResult Expected(DeterminismCase use, string owner, string via)
    {
        var what = use.What.Replace("{0}", owner, StringComparison.Ordinal);
        var result = Diagnostic(use.Id).WithLocation(0);
        return use.KeyType is null ? result.WithArguments(what, via) : result.WithArguments(what, via, use.KeyType);
    }
}
