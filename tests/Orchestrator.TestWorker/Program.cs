using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Sdk;
using Orchestrator.TestWorker;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOrchestratorWorker(builder.Configuration, w => w
    .AddWorkflow<ThreeStepWorkflow>()
    .AddWorkflow<ScheduledWorkflow>()
    .AddActivities<TestActivities>()
    .AddWorkflow<ClockWorkflow>()
    .AddActivities<ClockActivities>()
    .AddWorkflow<TimerWorkflow>()
    .AddWorkflow<ManyTimersWorkflow>()
    .AddWorkflow<SignalWorkflow>()
    .AddWorkflow<WaitForeverWorkflow>()
    .AddWorkflow<FailingWorkflow>()
    .AddWorkflow<FailTwiceWorkflow>()
    .AddWorkflow<DoublingChildWorkflow>()
    .AddWorkflow<ParentWorkflow>()
    .AddWorkflow<CounterWorkflow>()
    .AddWorkflow<CancelCompensationWorkflow>()
    .AddWorkflow<SlowActivityWorkflow>()
    .AddActivities<PrimitiveActivities>()
    .AddWorkflow<FlakyWorkflow>()
    .AddWorkflow<NonRetryableWorkflow>()
    .AddWorkflow<HangingAttemptWorkflow>()
    .AddWorkflow<ScheduleToCloseWorkflow>()
    .AddWorkflow<HeartbeatStopWorkflow>()
    .AddWorkflow<ResumableJobWorkflow>()
    .AddWorkflow<BookingSagaWorkflow>()
    .AddWorkflow<ScheduleToStartWorkflow>()
    .AddWorkflow<ChainWorkflow>()
    .AddWorkflow<RetryChainWorkflow>()
    .AddWorkflow<ChainParentWorkflow>()
    .AddActivities<FailureActivities>()
    .AddWorkflow<LateAnswerWorkflow>()
    .AddActivities<LateAnswerActivities>()
    .AddWorkflow<TimerOrSignalWorkflow>()
    .AddWorkflow<ContinueOnSignalWorkflow>()
    .AddWorkflow<StageWorkflow>()
    .AddWorkflow<ChaosStepsWorkflow>()
    .AddWorkflow<ChaosSignalWorkflow>()
    .AddWorkflow<ChaosParentWorkflow>()
    .AddWorkflow<ChaosChildWorkflow>()
    .AddWorkflow<ChaosSleepWorkflow>()
    .AddWorkflow<ChaosRetryWorkflow>()
    .AddActivities<ChaosActivities>());
await builder.Build().RunAsync();
