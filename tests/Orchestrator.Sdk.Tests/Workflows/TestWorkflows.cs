namespace Orchestrator.Sdk.Tests.Workflows;

[Workflow]
public sealed class GreetingWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string name)
    {
        var sum = await context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(name.Length, 1), new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
        await context.DelayAsync(TimeSpan.FromMinutes(5));
        var echoed = await context.ExecuteActivityAsync<int>("echo", sum);
        await context.ExecuteActivityAsync((MathActivities m) => m.NoteAsync("done " + name));
        return $"hello {name} {echoed} {context.NewGuid()} {context.Random.Next(1000)}";
    }
}

[Workflow]
public sealed class FanOutWorkflow
{
    [WorkflowRun]
    public async Task<long> RunAsync(WorkflowContext context, int count)
    {
        var tasks = Enumerable.Range(0, count).Select(i => context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(i, 1))).ToList();
        var results = await Task.WhenAll(tasks);
        return results.Sum(r => (long)r);
    }
}

[Workflow]
public sealed class SequentialWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int count)
    {
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            total += await context.ExecuteActivityAsync<int>("echo", i);
        }
        return total;
    }
}

/// <summary>A workflow that does a bit of everything, driven by its seeded Random (for the property test).</summary>
[Workflow]
public sealed class MixWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, int rounds)
    {
        var log = new List<string>();
        for (var r = 0; r < rounds; r++)
        {
            switch (context.Random.Next(6))
            {
                case 0:
                    var values = await Task.WhenAll(Enumerable.Range(0, context.Random.Next(1, 5)).Select(i => context.ExecuteActivityAsync<int>("echo", (i * 10) + r)));
                    log.Add("sum" + values.Sum());
                    break;
                case 1:
                    var activity = context.ExecuteActivityAsync<int>("echo", r);
                    var timer = context.DelayAsync(TimeSpan.FromMinutes(1));
                    log.Add(await Task.WhenAny(activity, timer) == activity ? "activity" : "timer");
                    break;
                case 2:
                    try
                    {
                        log.Add("signal " + await context.WaitForSignalAsync<string>("go", TimeSpan.FromMinutes(5)));
                    }
                    catch (TimeoutException)
                    {
                        log.Add("no signal");
                    }
                    break;
                case 3:
                    await context.DelayAsync(TimeSpan.FromSeconds(context.Random.Next(1, 100)));
                    log.Add("slept " + context.NewGuid().ToString()[..8] + " " + context.UtcNow.ToUnixTimeMilliseconds());
                    break;
                case 4:
                    log.Add("add" + await context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(r, 2)));
                    break;
                default:
                    var first = context.ExecuteActivityAsync<int>("echo", 1);
                    var second = context.ExecuteActivityAsync<int>("echo", 2);
                    var winner = await Task.WhenAny(first, second);
                    log.Add("first " + await winner + " " + context.HistoryLength);
                    break;
            }
        }
        return string.Join(",", log);
    }
}

[Workflow]
public sealed class SignalWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        var first = await context.WaitForSignalAsync<string>("add");
        var second = await context.WaitForSignalAsync<string>("add");
        string third;
        try
        {
            third = await context.WaitForSignalAsync<string>("add", TimeSpan.FromMinutes(10));
        }
        catch (TimeoutException)
        {
            third = "timeout";
        }
        return $"{first}+{second}+{third}";
    }
}

[Workflow]
public sealed class CancellableOrderWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string orderId)
    {
        var saga = new Saga(context);
        var receipt = await context.ExecuteActivityAsync((ShopActivities a) => a.ChargeAsync(new ChargeRequest(orderId, 10m)));
        saga.AddCompensation(() => context.ExecuteActivityAsync((ShopActivities a) => a.RefundAsync(receipt.Id)));
        var reservation = await context.ExecuteActivityAsync((ShopActivities a) => a.ReserveAsync("book"));
        saga.AddCompensation(() => context.ExecuteActivityAsync((ShopActivities a) => a.ReleaseAsync(reservation)));
        try
        {
            await context.DelayAsync(TimeSpan.FromDays(1), context.CancellationToken);
            await context.ExecuteActivityAsync((ShopActivities a) => a.ShipAsync(orderId));
            return "shipped";
        }
        catch (Exception)
        {
            await saga.CompensateAsync();
            throw;
        }
    }
}

[Workflow]
public sealed class SagaWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, SagaInput input)
    {
        var saga = new Saga(context, new SagaOptions { ContinueOnCompensationError = input.ContinueOnError, ParallelCompensation = input.Parallel });
        saga.AddCompensation(() => context.ExecuteActivityAsync((ShopActivities a) => a.RefundAsync(input.Receipt)));
        saga.AddCompensation(() => context.ExecuteActivityAsync((ShopActivities a) => a.ReleaseAsync(input.Reservation)));
        saga.AddCompensation(() => context.ExecuteActivityAsync((MathActivities m) => m.NoteAsync("third")));
        try
        {
            await context.ExecuteActivityAsync((ShopActivities a) => a.ShipAsync("fail"));
            return "shipped";
        }
        catch (ActivityFailedException ex)
        {
            try
            {
                await saga.CompensateAsync();
            }
            catch (CompensationFailedException failed)
            {
                return $"{ex.ErrorType}; compensation failures: {string.Join("|", failed.InnerExceptions.Select(e => e.Message))}";
            }
            return $"{ex.ErrorType}; compensated";
        }
    }
}

public sealed record SagaInput(string Receipt, string Reservation, bool ContinueOnError, bool Parallel = false);

[Workflow]
public sealed class LoopWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int iteration)
    {
        await context.ExecuteActivityAsync<int>("echo", iteration);
        if (iteration < 3)
        {
            context.ContinueAsNew(iteration + 1);
        }
        return iteration;
    }
}

[Workflow]
public sealed class ParentWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        var a = await context.ExecuteChildWorkflowAsync<string>("ChildWorkflow", "x", new ChildWorkflowOptions { ParentClosePolicy = ParentClosePolicy.Abandon });
        try
        {
            await context.ExecuteChildWorkflowAsync("ChildWorkflow", "y", new ChildWorkflowOptions { WorkflowId = "explicit-child", TaskQueue = "children" });
            return a + " ok";
        }
        catch (ChildWorkflowFailedException ex)
        {
            return $"{a} {ex.WorkflowId} {ex.Failure.Type}";
        }
    }
}
