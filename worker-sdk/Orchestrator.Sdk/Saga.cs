namespace Orchestrator.Sdk;

/// <summary>
/// Collects compensations while a workflow makes progress and runs them, last added first, when it has to undo.
/// Compensations are ordinary workflow code (usually activity calls), so they are durable and replayed like the rest.
/// </summary>
/// <example>
/// <code>
/// var saga = new Saga(context);
/// var receipt = await context.ExecuteActivityAsync((PaymentActivities a) => a.ChargeAsync(request), options);
/// saga.AddCompensation(() => context.ExecuteActivityAsync((PaymentActivities a) => a.RefundAsync(receipt.Id), options));
/// try { ... } catch (Exception) { await saga.CompensateAsync(); throw; }
/// </code>
/// </example>
public sealed class Saga
{
    private readonly List<Func<Task>> _compensations = [];
    private readonly SagaOptions _options;

    /// <summary>Creates a saga.</summary>
    /// <param name="context">The workflow context the compensations run in.</param>
    /// <param name="options">How compensations run; null = one after the other, stopping at the first failure.</param>
    public Saga(WorkflowContext context, SagaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _options = options ?? new SagaOptions();
    }

    /// <summary>The workflow context.</summary>
    public WorkflowContext Context { get; }

    /// <summary>Adds a compensation; it runs before every compensation added earlier.</summary>
    /// <param name="compensation">The undo step, e.g. an activity call.</param>
    public void AddCompensation(Func<Task> compensation)
    {
        ArgumentNullException.ThrowIfNull(compensation);
        _compensations.Add(compensation);
    }

    /// <summary>Adds a synchronous compensation.</summary>
    /// <param name="compensation">The undo step.</param>
    public void AddCompensation(Action compensation)
    {
        ArgumentNullException.ThrowIfNull(compensation);
        _compensations.Add(() =>
        {
            compensation();
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Runs the compensations in reverse order of addition (or all at once with <see cref="SagaOptions.ParallelCompensation"/>)
    /// and forgets them.
    /// </summary>
    /// <returns>A task that completes when compensation is done.</returns>
    /// <exception cref="CompensationFailedException">A compensation failed; holds every failure that happened.</exception>
    public async Task CompensateAsync()
    {
        var steps = Enumerable.Reverse(_compensations).ToList();
        _compensations.Clear();
        var failures = new List<Exception>();
        if (_options.ParallelCompensation)
        {
            var tasks = steps.Select(Start).ToList();
            foreach (var task in tasks)
            {
                try
                {
                    await task;
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            }
        }
        else
        {
            foreach (var step in steps)
            {
                try
                {
                    await step();
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                    if (!_options.ContinueOnCompensationError)
                    {
                        break;
                    }
                }
            }
        }
        if (failures.Count > 0)
        {
            throw new CompensationFailedException(failures);
        }
    }

    private static Task Start(Func<Task> step)
    {
        try
        {
            return step();
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }
}
