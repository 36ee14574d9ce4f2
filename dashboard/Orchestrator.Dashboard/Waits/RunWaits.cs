using System.Net;
using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Dashboard.Api;
using Orchestrator.Dashboard.History;

namespace Orchestrator.Dashboard.Waits;

/// <summary>
/// What an open run waits on, from the answer to its <c>__stack_trace</c> query: the waits, or a problem said plainly
/// (<see cref="Problem"/>) with the engine's own text beside it (<see cref="Detail"/>).
/// </summary>
internal sealed record RunWaits(IReadOnlyList<WorkflowWait>? Waits, string? Problem = null, string? Detail = null)
{
    /// <summary>Reads the engine's answer to <c>POST .../queries/__stack_trace</c> for a run of <paramref name="workflowType"/> on <paramref name="taskQueue"/>.</summary>
    public static RunWaits From(ApiResult<WorkflowQueryResponse> answer, string taskQueue, string workflowType)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (!answer.IsSuccess || answer.Value is not { } response)
        {
            return new RunWaits(null, ProblemOf(answer.StatusCode, taskQueue, workflowType), answer.Error);
        }
        if (response.Result is not { ValueKind: JsonValueKind.Array } list)
        {
            return new RunWaits(null, "The worker's answer is not a list of waits.", JsonText.OneLine(response.Result, 300));
        }
        try
        {
            var waits = list.Deserialize<List<WorkflowWait?>>(HistoryJson.Options) ?? [];
            return new RunWaits(waits.OfType<WorkflowWait>().ToList());
        }
        catch (JsonException ex)
        {
            return new RunWaits(null, "The worker's answer is not a list of waits.", ex.Message);
        }
    }

    /// <summary>What a failed <c>__stack_trace</c> query means for the person looking at the run.</summary>
    internal static string ProblemOf(HttpStatusCode status, string taskQueue, string workflowType) => (int)status switch
    {
        504 => $"No worker answered in time; start a worker of task queue '{taskQueue}' (one that knows workflow type '{workflowType}').",
        400 => $"The worker does not know the query {WorkflowWait.StackTraceQuery}: its Orchestrator.Sdk is older than this feature. "
            + "Upgrade the worker to see what the run waits on.",
        422 => "The worker could not answer: replaying the run or the query failed.",
        404 => "The engine has no such run.",
        401 or 403 => "The engine refused the dashboard's API key.",
        0 => "The engine did not answer.",
        _ => "The engine could not ask a worker.",
    };
}
