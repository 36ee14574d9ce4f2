using static Orchestrator.Analyzers.Tests.WorkflowAnalyzerTest;

namespace Orchestrator.Analyzers.Tests;

/// <summary>How far the determinism rules follow a workflow's calls, and where they report.</summary>
public sealed class HelperTests
{
    private const string Via = " (reached from workflow 'OrderWorkflow' through '{0}')";

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task UseSeveralCallsDeep_IsFlaggedOnceWhereItIsWritten() => VerifyAsync(
        """
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public Task<string> RunAsync(WorkflowContext context) => Task.FromResult(new Invoice().Describe());
        }

        internal sealed class Invoice
        {
            public string Describe() => Format(Stamp);

            private static string Format(DateTime at) => at.ToString("O");

            private DateTime Stamp => {|#0:DateTime.UtcNow|};
        }
        """,
        Diagnostic("ORCH0001").WithLocation(0).WithArguments("DateTime.UtcNow", string.Format(Via, "Invoice.Describe")));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task RecursiveHelpers_AreVisitedOnce() => VerifyAsync(
        """
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public Task<int> RunAsync(WorkflowContext context) => Task.FromResult(Steps.Even(4) ? 1 : 0);
        }

        internal static class Steps
        {
            public static bool Even(int n) => n == 0 || Odd(n - 1);

            public static bool Odd(int n) => n != 0 && ({|#0:Guid.NewGuid()|} != Guid.Empty || Even(n - 1));
        }
        """,
        Diagnostic("ORCH0002").WithLocation(0).WithArguments("Guid.NewGuid()", string.Format(Via, "Steps.Even")));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task HelperSharedByTwoWorkflowsAndAnActivity_IsFlaggedOnce() => VerifyAsync(
        """
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public Task<string> RunAsync(WorkflowContext context) => Task.FromResult(Ids.Next());
        }

        [Workflow]
        public sealed class RefundWorkflow
        {
            [WorkflowRun]
            public Task<string> RunAsync(WorkflowContext context) => Task.FromResult(Ids.Next());
        }

        public sealed class OrderActivities
        {
            [Activity]
            public string Reserve() => Ids.Next();
        }

        internal static class Ids
        {
            public static string Next() => {|#0:Guid.NewGuid()|}.ToString("N");
        }
        """,
        Diagnostic("ORCH0002").WithLocation(0));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task LambdasLocalFunctionsAndActivityArguments_AreWorkflowCode() => VerifyAsync(
        """
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public async Task RunAsync(WorkflowContext context)
            {
                Func<DateTime> clock = () => {|#0:DateTime.UtcNow|};
                await context.ExecuteActivityAsync((OrderActivities a) => a.ChargeAsync({|#1:Guid.NewGuid()|}.ToString()));
                Wait();

                void Wait() => {|#2:Thread.Sleep(1)|};
            }
        }

        public sealed class OrderActivities
        {
            [Activity]
            public Task ChargeAsync(string id) => Task.Delay(1);
        }
        """,
        Diagnostic("ORCH0001").WithLocation(0).WithArguments("DateTime.UtcNow", ""),
        Diagnostic("ORCH0002").WithLocation(1).WithArguments("Guid.NewGuid()", ""),
        Diagnostic("ORCH0004").WithLocation(2).WithArguments("Thread.Sleep", ""));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task ExtensionMethodsAndInitializers_AreFollowed() => VerifyAsync(
        """
        [Workflow]
        public sealed class OrderWorkflow
        {
            private static readonly DateTime Loaded = {|#0:DateTime.Now|};

            [WorkflowRun]
            public Task<string> RunAsync(WorkflowContext context) => Task.FromResult(context.Describe() + new Audit().At + Loaded);
        }

        internal static class ContextExtensions
        {
            public static string Describe(this WorkflowContext context) => context.WorkflowId + {|#1:Environment.GetEnvironmentVariable("REGION")|};
        }

        internal sealed class Audit
        {
            public DateTimeOffset At { get; } = {|#2:DateTimeOffset.Now|};
        }
        """,
        Diagnostic("ORCH0001").WithLocation(0).WithArguments("DateTime.Now", ""),
        Diagnostic("ORCH0008").WithLocation(1).WithArguments("Environment.GetEnvironmentVariable", string.Format(Via, "ContextExtensions.Describe")),
        Diagnostic("ORCH0001").WithLocation(2).WithArguments("DateTimeOffset.Now", string.Format(Via, "Audit.At")));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task CompilationWithoutTheSdk_GetsNoDiagnostic()
    {
        var test = new WorkflowAnalyzerTest
        {
            TestCode = """
                using System;

                [AttributeUsage(AttributeTargets.Class)]
                public sealed class WorkflowAttribute : Attribute;

                [Workflow]
                public sealed class OrderWorkflow
                {
                    public DateTime Now => DateTime.UtcNow;
                }
                """,
        };
        test.TestState.AdditionalReferences.Clear();
        test.TestState.AdditionalReferences.AddRange(TestReferences.All.Where(r => !r.Display!.Contains("Orchestrator", StringComparison.Ordinal)));
        return test.RunAsync();
    }
}
