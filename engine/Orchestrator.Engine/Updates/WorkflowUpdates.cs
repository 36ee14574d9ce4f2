using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Queries;

namespace Orchestrator.Engine.Updates;

/// <summary>What an update call gives: the update's row (its state), or a problem (status, title, detail, failure).</summary>
internal sealed record UpdateCall(WorkflowUpdateRow? Row, int ProblemStatus = 0, string? Title = null, string? Detail = null, FailureInfo? Failure = null)
{
    public static UpdateCall Problem(int status, string title, string detail, FailureInfo? failure = null) => new(null, status, title, detail, failure);
}

/// <summary>
/// Updates (DESIGN.md "Queries and updates"). An update is validated first, on a worker of the run's task queue that replays
/// the run and calls the update's validator (the query path, <see cref="WorkflowQueryMessage.ValidateUpdate"/>: nothing is
/// recorded, so a rejected update leaves no trace); then accepted (<see cref="RunShell.AcceptUpdateAsync"/>: its row and its
/// <c>WorkflowUpdateAccepted</c> in one transaction, once per update id); then the next workflow task runs its handler and
/// records <c>WorkflowUpdateCompleted</c>, whose outcome the row gets in the same transaction. Callers wait on the row.
/// </summary>
internal sealed class WorkflowUpdates(HistoryStore history, RunShell shell, UpdateStore store, UpdateWaiters waiters, WorkflowQueries queries)
{
    /// <summary>How long a worker has to validate an update.</summary>
    public static readonly TimeSpan ValidationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How many times an update is validated again when the run it was validated on continued as new before it was accepted.</summary>
    public const int MaxAcceptAttempts = 4;

    /// <summary>How often a waiting caller reads the row (an outcome another engine committed wakes no one here).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public const string Accepted = "Accepted";

    /// <summary>
    /// Sends update <paramref name="updateName"/> (id <paramref name="updateId"/>) to the open run of
    /// <paramref name="workflowId"/> and waits up to <paramref name="wait"/> for its outcome. An update id the workflow id
    /// already has is not applied again: the caller gets that update's outcome.
    /// </summary>
    public async Task<UpdateCall> SendAsync(string workflowId, string updateName, string updateId, JsonElement? input, TimeSpan wait, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 2 * MaxAcceptAttempts)
            {
                return RunKeptChanging(workflowId, updateId);
            }
            if (await store.GetAsync(workflowId, updateId, ct) is { } existing)
            {
                return existing.UpdateName == updateName
                    ? await WaitAsync(existing, wait - clock.Elapsed, ct)
                    : UpdateCall.Problem(409, "Update id already used",
                        $"Workflow '{workflowId}' already has update '{updateId}', of update '{existing.UpdateName}' (not '{updateName}'): use another update id.");
            }
            if (await history.GetLatestRunAsync(workflowId, ct) is not { Status: RunStatus.Running } run)
            {
                return NoOpenRun(workflowId);
            }
            var argument = JsonSerializer.SerializeToElement(new UpdateValidationArgument(updateId, updateName, input), HistoryJson.Options);
            var answer = await queries.AskAsync(run, WorkflowQueryMessage.ValidateUpdate, argument, ValidationTimeout, ct);
            if (Rejection(run, updateName, answer) is { } rejected)
            {
                return rejected;
            }
            switch (await shell.AcceptUpdateAsync(workflowId, run.RunId, new UpdateAcceptedTrigger(updateId, updateName, input)))
            {
                case UpdateAcceptance.Accepted:
                case UpdateAcceptance.Exists:
                    continue; // read the row (ours, or the one a concurrent call with the same id wrote)
                case UpdateAcceptance.NoRun:
                    return NoOpenRun(workflowId);
                case UpdateAcceptance.RunChanged when attempt < MaxAcceptAttempts:
                    continue; // validated on a run that continued as new meanwhile: validate on the new one
                default:
                    return RunKeptChanging(workflowId, updateId);
            }
        }
    }

    /// <summary>Update <paramref name="updateId"/> of <paramref name="workflowId"/>, after waiting up to <paramref name="wait"/> for its outcome.</summary>
    public async Task<UpdateCall> GetAsync(string workflowId, string updateId, TimeSpan wait, CancellationToken ct) =>
        await store.GetAsync(workflowId, updateId, ct) is { } row
            ? await WaitAsync(row, wait, ct)
            : UpdateCall.Problem(404, "Not found", $"Workflow '{workflowId}' has no update '{updateId}'.");

    private static UpdateCall RunKeptChanging(string workflowId, string updateId) => UpdateCall.Problem(409, "The run kept changing",
        $"The open run of workflow '{workflowId}' changed (continue-as-new) between the validation and the acceptance of update '{updateId}' "
        + $"{MaxAcceptAttempts} times; try again.");

    private static UpdateCall NoOpenRun(string workflowId) => UpdateCall.Problem(404, "Not found", $"Workflow '{workflowId}' has no open run.");

    /// <summary>Null when the worker accepted the update; else the problem the caller gets.</summary>
    private static UpdateCall? Rejection(WorkflowRunRecord run, string updateName, WorkflowQueryAnswerMessage? answer) => answer switch
    {
        null => UpdateCall.Problem(504, "No worker validated the update",
            $"No worker of task queue '{run.TaskQueue}' validated update '{updateName}' of '{run.WorkflowId}' within {ValidationTimeout.TotalSeconds:0} s: "
            + $"is a worker that knows workflow type '{run.WorkflowType}' running? Nothing was recorded."),
        { Failure: { Type: WorkflowQueryAnswerMessage.UnknownUpdate } unknown } => UpdateCall.Problem(400, "Bad request",
            $"{unknown.Message} Its updates: {(answer.KnownQueries is { Count: > 0 } known ? string.Join(", ", known) : "none")}."),
        { Failure.Type: WorkflowQueryAnswerMessage.UnknownQuery } => UpdateCall.Problem(400, "Bad request",
            $"Worker {answer.Identity} of task queue '{run.TaskQueue}' does not support updates (its SDK is older than the engine); nothing was recorded."),
        { Failure: { Type: WorkflowQueryAnswerMessage.UpdateRejected } rejected } => UpdateCall.Problem(422, "The update was rejected",
            rejected.Message, rejected),
        { Failure: { } failure } => UpdateCall.Problem(422, "The update could not be validated",
            $"Validating update '{updateName}' of '{run.WorkflowId}' failed on worker {answer.Identity}: {failure.Type}: {failure.Message}", failure),
        _ => null,
    };

    /// <summary>
    /// The update's row once it has an outcome, or as it is when <paramref name="wait"/> ran out. Woken when this engine
    /// commits an outcome of the workflow id (the waiter is registered before each read, so none is missed); reads the row
    /// every <see cref="PollInterval"/> too, for outcomes another engine commits.
    /// </summary>
    private async Task<UpdateCall> WaitAsync(WorkflowUpdateRow row, TimeSpan wait, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (row.Status == Accepted && clock.Elapsed < wait)
        {
            var wake = waiters.WaitAsync(row.WorkflowId, Min(PollInterval, wait - clock.Elapsed), ct);
            if (await store.GetAsync(row.WorkflowId, row.UpdateId, ct) is not { } current)
            {
                return UpdateCall.Problem(404, "Not found", $"Workflow '{row.WorkflowId}' has no update '{row.UpdateId}' any more.");
            }
            row = current;
            if (row.Status != Accepted)
            {
                break;
            }
            await wake;
        }
        return new UpdateCall(row);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
