using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Orchestrator.Dashboard.Api;
using Orchestrator.Dashboard.Security;

namespace Orchestrator.Dashboard.Components.Shared;

/// <summary>
/// What the action forms share: the run they act on, the callback with the answer, and whether the signed-in user may
/// act (<see cref="CanAct"/>, operators only). A viewer sees the form disabled; should a click reach it anyway,
/// <see cref="WorkflowActions"/> refuses it.
/// </summary>
public abstract class ActionFormBase : ComponentBase
{
    [Inject] internal WorkflowActions Actions { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? Authentication { get; set; }

    [Parameter, EditorRequired] public string WorkflowId { get; set; } = "";

    /// <summary>Called with the engine's answer (or the dashboard's refusal) after a send.</summary>
    [Parameter] public EventCallback<ActionResult> OnDone { get; set; }

    /// <summary>Whether the signed-in user has the operator role.</summary>
    protected bool CanAct { get; private set; }

    protected override async Task OnParametersSetAsync()
        => CanAct = Authentication is not null && DashboardRoles.IsOperator((await Authentication).User);
}
