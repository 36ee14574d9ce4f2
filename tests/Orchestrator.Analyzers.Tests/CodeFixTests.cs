using static Orchestrator.Analyzers.Tests.WorkflowAnalyzerTest;

namespace Orchestrator.Analyzers.Tests;

/// <summary>The code fixes: onto the WorkflowContext in scope, and none where there is no context.</summary>
public sealed class CodeFixTests
{
    private const string Workflow = """
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public async Task<string> RunAsync(WorkflowContext context, TimeSpan wait)
            {
                {0}
            }
        }
        """;

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("ORCH0001", "var at = {|#0:DateTime.UtcNow|}; return at.ToString(\"O\");", "var at = context.UtcNow.UtcDateTime; return at.ToString(\"O\");")]
    [InlineData("ORCH0001", "var at = {|#0:DateTimeOffset.UtcNow|}; return at.ToString(\"O\");", "var at = context.UtcNow; return at.ToString(\"O\");")]
    [InlineData("ORCH0002", "return {|#0:Guid.NewGuid()|}.ToString();", "return context.NewGuid().ToString();")]
    [InlineData("ORCH0003", "return {|#0:Random.Shared|}.Next(10).ToString();", "return context.Random.Next(10).ToString();")]
    [InlineData("ORCH0004", "await {|#0:Task.Delay(wait)|}; return \"\";", "await context.DelayAsync(wait); return \"\";")]
    [InlineData("ORCH0004", "await {|#0:Task.Delay(wait, context.CancellationToken)|}; return \"\";", "await context.DelayAsync(wait, context.CancellationToken); return \"\";")]
    [InlineData("ORCH0004", "await {|#0:Task.Delay(1500)|}; return \"\";", "await context.DelayAsync(TimeSpan.FromMilliseconds(1500)); return \"\";")]
    public Task Fix_InWorkflow_UsesTheContext(string id, string before, string after) => VerifyFixAsync(
        Workflow.Replace("{0}", before, StringComparison.Ordinal),
        Workflow.Replace("{0}", after, StringComparison.Ordinal),
        Diagnostic(id).WithLocation(0));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Fix_InHelper_IsNotOffered()
    {
        // a helper's diagnostic is known only once the whole compilation is analyzed (a build), and the IDE offers fixes
        // for document-local diagnostics only: the message names the replacement instead
        const string source = """
            [Workflow]
            public sealed class OrderWorkflow
            {
                [WorkflowRun]
                public Task<string> RunAsync(WorkflowContext context) => Task.FromResult(Receipts.Number(context));
            }

            internal static class Receipts
            {
                public static string Number(WorkflowContext ctx) => ctx.WorkflowId + {|#0:Guid.NewGuid()|};
            }
            """;
        return VerifyNoFixForHelperAsync(source, Diagnostic("ORCH0002").WithLocation(0));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Fix_WithAContextOfAnotherName_UsesThatName() => VerifyFixAsync(
        """
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public async Task RunAsync(WorkflowContext ctx)
            {
                Func<Task> later = () => {|#0:Task.Delay(TimeSpan.FromDays(30))|};
                await later();
            }
        }
        """,
        """
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public async Task RunAsync(WorkflowContext ctx)
            {
                Func<Task> later = () => ctx.DelayAsync(TimeSpan.FromDays(30));
                await later();
            }
        }
        """,
        Diagnostic("ORCH0004").WithLocation(0));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Fix_WithTheContextInAField_UsesTheField() => VerifyFixAsync(
        """
        [Workflow]
        public sealed class OrderWorkflow
        {
            private WorkflowContext _context = null!;

            [WorkflowRun]
            public Task<string> RunAsync(WorkflowContext context)
            {
                _context = context;
                return Task.FromResult(Stamp());
            }

            private string Stamp() => {|#0:DateTimeOffset.UtcNow|}.ToString("O");
        }
        """,
        """
        [Workflow]
        public sealed class OrderWorkflow
        {
            private WorkflowContext _context = null!;

            [WorkflowRun]
            public Task<string> RunAsync(WorkflowContext context)
            {
                _context = context;
                return Task.FromResult(Stamp());
            }

            private string Stamp() => _context.UtcNow.ToString("O");
        }
        """,
        Diagnostic("ORCH0001").WithLocation(0));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Fix_WithoutAContextInScope_IsNotOffered()
    {
        const string source = """
            [Workflow]
            public sealed class OrderWorkflow
            {
                [WorkflowRun]
                public Task<string> RunAsync(WorkflowContext context) => Task.FromResult(Number());

                private static string Number() => {|#0:Guid.NewGuid()|}.ToString();
            }
            """;
        return VerifyFixAsync(source, source, Diagnostic("ORCH0002").WithLocation(0));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task Fix_WithOnlyANullableContextField_IsNotOffered()
    {
        const string source = """
            [Workflow]
            public sealed class OrderWorkflow
            {
                private WorkflowContext? _context;

                [WorkflowRun]
                public Task<string> RunAsync(WorkflowContext context)
                {
                    _context = context;
                    return Task.FromResult(Stamp());
                }

                private string Stamp() => {|#0:DateTimeOffset.UtcNow|}.ToString("O");
            }
            """;
        return VerifyFixAsync(source, source, Diagnostic("ORCH0001").WithLocation(0));
    }

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("ORCH0001", "return {|#0:DateTime.Now|}.ToString(\"O\");")]
    [InlineData("ORCH0003", "return {|#0:new Random()|}.Next().ToString();")]
    [InlineData("ORCH0004", "await {|#0:Task.Delay(wait, TimeProvider.System)|}; return \"\";")]
    public Task Fix_WithoutAnExactReplacement_IsNotOffered(string id, string statements)
    {
        var source = Workflow.Replace("{0}", statements, StringComparison.Ordinal);
        return VerifyFixAsync(source, source, Diagnostic(id).WithLocation(0));
    }
}
