using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Hosting;

/// <summary>The workflows and activities registered with <see cref="OrchestratorWorkerBuilder"/>.</summary>
internal sealed record WorkerRegistrations(WorkflowRegistry Workflows, ActivityRegistry Activities);
