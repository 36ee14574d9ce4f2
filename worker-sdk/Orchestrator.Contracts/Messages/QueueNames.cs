namespace Orchestrator.Contracts.Messages;

/// <summary>The RabbitMQ queues between engine and workers.</summary>
public static class QueueNames
{
    /// <summary>Where every engine instance takes worker answers from (competing consumers).</summary>
    public const string Engine = "orchestrator-engine";

    /// <summary>The queue of workflow tasks of a task queue.</summary>
    /// <param name="taskQueue">The task queue name.</param>
    /// <returns>The RabbitMQ queue name.</returns>
    public static string WorkflowTasks(string taskQueue) => $"orchestrator-workflow-{taskQueue}";

    /// <summary>The queue of activity tasks of a task queue.</summary>
    /// <param name="taskQueue">The task queue name.</param>
    /// <returns>The RabbitMQ queue name.</returns>
    public static string ActivityTasks(string taskQueue) => $"orchestrator-activity-{taskQueue}";
}
