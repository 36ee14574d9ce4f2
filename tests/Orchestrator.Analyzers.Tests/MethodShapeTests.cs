using static Orchestrator.Analyzers.Tests.WorkflowAnalyzerTest;

namespace Orchestrator.Analyzers.Tests;

/// <summary>ORCH0011 (what the worker would reject when it registers the class) and ORCH0012 (what JSON cannot carry).</summary>
public sealed class MethodShapeTests
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public Task ValidShapes_AreNotFlagged() => VerifyAsync(
        """
        public sealed record OrderInput(string Id, int[] Lines, Dictionary<string, decimal> Prices);

        [Workflow("Order")]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public Task<List<string>> RunAsync(WorkflowContext context, OrderInput input) => Task.FromResult(new List<string>());
        }

        [Workflow]
        public sealed class PingWorkflow
        {
            [WorkflowRun]
            public Task RunAsync(WorkflowContext context) => Task.CompletedTask;
        }

        public sealed class OrderActivities
        {
            [Activity]
            public Task<string> ChargeAsync(OrderInput input, CancellationToken cancellationToken) => Task.FromResult(input.Id);

            [Activity]
            public ValueTask<int> CountAsync(string id) => ValueTask.FromResult(1);

            [Activity]
            public void Log(string line) { }

            public Func<int> NotAnActivity(Stream stream) => () => 1;
        }
        """);

    private const string TakesContext = "[WorkflowRun] method 'OrderWorkflow.RunAsync' must take (WorkflowContext context) or (WorkflowContext context, TInput input): the first parameter is the workflow's WorkflowContext";
    private const string PublicInstance = "[WorkflowRun] method 'OrderWorkflow.RunAsync' must be a public, non-generic instance method";

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("public Task {|#0:RunAsync|}() => Task.CompletedTask;", TakesContext)]
    [InlineData("public Task {|#0:RunAsync|}(string input) => Task.CompletedTask;", TakesContext)]
    [InlineData("public Task {|#0:RunAsync|}(WorkflowContext context, string a, string b) => Task.CompletedTask;", TakesContext)]
    [InlineData("public string {|#0:RunAsync|}(WorkflowContext context) => \"\";", "[WorkflowRun] method 'OrderWorkflow.RunAsync' must return Task or Task<T>, not 'string'")]
    [InlineData("public ValueTask {|#0:RunAsync|}(WorkflowContext context) => default;", "[WorkflowRun] method 'OrderWorkflow.RunAsync' must return Task or Task<T>, not 'ValueTask'")]
    [InlineData("internal Task {|#0:RunAsync|}(WorkflowContext context) => Task.CompletedTask;", PublicInstance)]
    [InlineData("public static Task {|#0:RunAsync|}(WorkflowContext context) => Task.CompletedTask;", PublicInstance)]
    [InlineData("public Task {|#0:RunAsync|}<T>(WorkflowContext context, T input) => Task.CompletedTask;", PublicInstance)]
    public Task RunMethod_WithTheWrongShape_IsFlagged(string run, string message) => VerifyAsync(
        $$"""
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            {{run}}
        }
        """,
        Diagnostic("ORCH0011").WithLocation(0).WithArguments(message));

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("public sealed class {|#0:OrderWorkflow|} { }", "Workflow 'OrderWorkflow' must have exactly one [WorkflowRun] method; it has 0")]
    [InlineData("public sealed class {|#0:OrderWorkflow|} { [WorkflowRun] public Task A(WorkflowContext c) => Task.CompletedTask; [WorkflowRun] public Task B(WorkflowContext c) => Task.CompletedTask; }", "Workflow 'OrderWorkflow' must have exactly one [WorkflowRun] method; it has 2")]
    [InlineData("public sealed class {|#0:OrderWorkflow|}(string name) { [WorkflowRun] public Task<string> RunAsync(WorkflowContext c) => Task.FromResult(name); }", "Workflow 'OrderWorkflow' needs a public parameterless constructor: workflows are not created through dependency injection; put dependencies in activities")]
    [InlineData("public abstract class {|#0:OrderWorkflow|} { [WorkflowRun] public Task RunAsync(WorkflowContext c) => Task.CompletedTask; }", "Workflow 'OrderWorkflow' must be a concrete, non-generic class: the worker creates one object of it per run")]
    public Task WorkflowClass_WithTheWrongShape_IsFlagged(string declaration, string message) => VerifyAsync(
        "[Workflow]\n" + declaration,
        Diagnostic("ORCH0011").WithLocation(0).WithArguments(message));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task RunMethod_OutsideAWorkflowClass_IsFlagged() => VerifyAsync(
        """
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public Task {|#0:RunAsync|}(WorkflowContext context) => Task.CompletedTask;
        }
        """,
        Diagnostic("ORCH0011").WithLocation(0).WithArguments("[WorkflowRun] method 'OrderWorkflow.RunAsync' is in a class without [Workflow]: mark 'OrderWorkflow' with [Workflow]"));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task ActivityMethod_NotPublicOrGeneric_IsFlagged() => VerifyAsync(
        """
        public sealed class OrderActivities
        {
            [Activity]
            internal Task {|#0:ChargeAsync|}(string id) => Task.CompletedTask;

            [Activity]
            public Task {|#1:ReserveAsync|}<T>(T item) => Task.CompletedTask;
        }
        """,
        Diagnostic("ORCH0011").WithLocation(0).WithArguments("[Activity] method 'OrderActivities.ChargeAsync' must be a public, non-generic method"),
        Diagnostic("ORCH0011").WithLocation(1).WithArguments("[Activity] method 'OrderActivities.ReserveAsync' must be a public, non-generic method"));

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("Func<int>", "Func<int>")]
    [InlineData("Action<string>", "Func<int>")]
    [InlineData("Stream", "Stream")]
    [InlineData("MemoryStream", "Stream")]
    [InlineData("CancellationToken", "CancellationToken")]
    [InlineData("Task<int>", "Task<int>")]
    [InlineData("WorkflowContext", "WorkflowContext")]
    [InlineData("Type", "Type")]
    [InlineData("nint", "IntPtr")]
    [InlineData("List<Func<int>>", "Func<int>")]
    [InlineData("Stream[]", "Stream")]
    public Task WorkflowInput_ThatJsonCannotCarry_IsFlagged(string type, string problemOf) => VerifyAsync(
        $$"""
        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public Task RunAsync(WorkflowContext context, {{type}} {|#0:input|}) => Task.CompletedTask;
        }
        """,
        Diagnostic("ORCH0012").WithLocation(0).WithArguments("Workflow input", "input", type, Problem(problemOf)));

    [Fact(Timeout = TestTimeouts.Unit)]
    public Task ActivityParametersAndResults_ThatJsonCannotCarry_AreFlagged() => VerifyAsync(
        """
        public sealed class OrderActivities
        {
            [Activity]
            public Task ChargeAsync(Stream {|#0:receipt|}, CancellationToken cancellationToken) => Task.CompletedTask;

            [Activity]
            public Task<Stream> {|#1:DownloadAsync|}(string url) => Task.FromResult<Stream>(new MemoryStream());

            [Activity]
            public Func<int> {|#2:Make|}() => () => 1;

            [Activity]
            public void Count(ref int {|#3:total|}) { }

            [Activity]
            public void Use(WorkflowContext {|#4:context|}) { }
        }

        [Workflow]
        public sealed class OrderWorkflow
        {
            [WorkflowRun]
            public Task<Stream> {|#5:RunAsync|}(WorkflowContext context) => Task.FromResult<Stream>(new MemoryStream());
        }
        """,
        Diagnostic("ORCH0012").WithLocation(0).WithArguments("Activity parameter", "receipt", "Stream", Problem("Stream")),
        Diagnostic("ORCH0012").WithLocation(1).WithArguments("The result of", "OrderActivities.DownloadAsync", "Stream", Problem("Stream")),
        Diagnostic("ORCH0012").WithLocation(2).WithArguments("The result of", "OrderActivities.Make", "Func<int>", Problem("Func<int>")),
        Diagnostic("ORCH0011").WithLocation(3).WithArguments("Activity parameter 'total' is passed by reference (ref/out): values cross as JSON, so nothing comes back through it; return it instead"),
        Diagnostic("ORCH0012").WithLocation(4).WithArguments("Activity parameter", "context", "WorkflowContext", Problem("WorkflowContext")),
        Diagnostic("ORCH0012").WithLocation(5).WithArguments("The result of", "OrderWorkflow.RunAsync", "Stream", Problem("Stream")));

    /// <summary>What the message says to do instead, for each kind of type.</summary>
    private static string Problem(string type) => type switch
    {
        "CancellationToken" => "cancellation is not data; a workflow uses context.CancellationToken, an activity takes a CancellationToken parameter (which the worker fills, not the caller)",
        "Task<int>" => "a task is a running operation; await it and pass its result",
        "Type" => "reflection objects have no JSON form; pass a name",
        "IntPtr" => "native handles mean nothing in another process; pass the data itself",
        "Stream" => "a stream is a live handle; pass the bytes (byte[]) or, for large data, a reference such as a URL or a file name",
        "Func<int>" => "code cannot be recorded; pass data and let the activity or workflow decide what to run",
        "WorkflowContext" => "a context is the runtime's, not data; a workflow gets its WorkflowContext as the run method's first parameter, an activity reads ActivityExecutionContext.Current",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
