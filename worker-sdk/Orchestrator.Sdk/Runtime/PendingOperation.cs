using System.Text.Json;

namespace Orchestrator.Sdk.Runtime;

internal enum OperationKind
{
    Activity,
    Timer,
    ChildWorkflow,
    ExternalSignal,
    ExternalCancel,
    LocalActivity,
}

/// <summary>An activity, timer, child workflow or request to another workflow the workflow waits for, keyed by its seq.</summary>
internal sealed class PendingOperation(int seq, OperationKind kind, string name, string? workflowId = null)
{
    public int Seq { get; } = seq;

    public OperationKind Kind { get; } = kind;

    /// <summary>Activity name, child workflow type or signal name (for error messages).</summary>
    public string Name { get; } = name;

    public string? WorkflowId { get; } = workflowId;

    /// <summary>The waiting workflow code's task; null when <see cref="OnFired"/> handles the result.</summary>
    public TaskCompletionSource<JsonElement?>? Completion { get; init; }

    /// <summary>The registration of a <c>DelayAsync</c> cancellation token, disposed when the timer resolves.</summary>
    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>For the timeout timer of a signal wait: what to do when it fires.</summary>
    public Action? OnFired { get; init; }

    /// <summary>Where the code called the API (for <c>__stack_trace</c>).</summary>
    public CodeLocation Site { get; init; }

    /// <summary>When a timer fires: the task's time at the start plus the duration.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The order in which the wait began, among all waits of the run.</summary>
    public long Order { get; init; }

    /// <summary>The token that canceled the operation, once the code canceled it (the wait then ends with its <c>ActivityCanceled</c>).</summary>
    public CancellationToken CanceledBy { get; set; }
}

/// <summary>Workflow code waiting for a signal.</summary>
internal sealed class SignalWaiter(string name, CodeLocation site, long order)
{
    public string Name { get; } = name;

    public CodeLocation Site { get; } = site;

    public long Order { get; } = order;

    public TaskCompletionSource<JsonElement?> Completion { get; } = new();

    /// <summary>The seq of the timeout timer, if any.</summary>
    public int? TimerSeq { get; set; }

    /// <summary>The registration of the wait's cancellation token, disposed when the wait ends.</summary>
    public CancellationTokenRegistration Registration { get; set; }
}
