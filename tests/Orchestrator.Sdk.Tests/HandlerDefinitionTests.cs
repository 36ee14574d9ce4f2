using System.Diagnostics.CodeAnalysis;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// Signal handlers, updates and validators are checked when the workflow is registered: a wrong shape fails at start-up
/// with a message that says what is wrong, not when the first signal or update arrives.
/// </summary>
[SuppressMessage("Orchestrator.Usage", "ORCH0011", Justification = "Deliberate: the tests check that the worker rejects these shapes when it registers them.")]
public sealed class HandlerDefinitionTests
{
    [Fact(Timeout = Limit)]
    public Task ValidWorkflow_ListsItsHandlers_NamedAfterTheirMethodsWithoutAsync() => Bounded(() =>
    {
        var counter = WorkflowDefinition.Create(typeof(CounterWorkflow));
        Assert.Equal(["Add", "Charge", "Fail", "FailLater", "Sneaky", "nothing"], counter.Updates.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Finish"], counter.Signals.Keys);
        Assert.Equal(nameof(CounterWorkflow.ValidateAdd), counter.Updates["Add"].Validator!.Name);
        Assert.Null(counter.Updates["Charge"].Validator);
        Assert.Equal(typeof(string), counter.Updates["Charge"].ResultType);
        Assert.Null(counter.Updates["nothing"].ResultType);

        var shapes = WorkflowDefinition.Create(typeof(SignalShapesWorkflow));
        Assert.Equal(["Hello", "Later", "Ping", "add", "done"], shapes.Signals.Keys.Order(StringComparer.Ordinal));
    });

    [Theory(Timeout = Limit)]
    [InlineData(typeof(SignalReturnsAValue), "[WorkflowSignal] method SignalReturnsAValue.Count must return void or Task, not Int32: a signal has no result.")]
    [InlineData(typeof(SignalTakesTwoArguments), "[WorkflowSignal] method SignalTakesTwoArguments.Go must take (), (WorkflowContext context), (T input) or (WorkflowContext context, T input)")]
    [InlineData(typeof(SignalContextSecond), "[WorkflowSignal] method SignalContextSecond.Go must take (), (WorkflowContext context), (T input) or (WorkflowContext context, T input)")]
    [InlineData(typeof(SignalByRef), "(not by reference)")]
    [InlineData(typeof(SignalNotPublic), "[WorkflowSignal] method SignalNotPublic.Go must be a public, non-generic instance method.")]
    [InlineData(typeof(SignalStatic), "[WorkflowSignal] method SignalStatic.Go must be a public, non-generic instance method.")]
    [InlineData(typeof(DuplicateSignals), "workflow DuplicateSignals has two signal handlers named 'go'.")]
    [InlineData(typeof(ReservedSignalName), "signal names starting with '__' are the SDK's own ('__go').")]
    [InlineData(typeof(UpdateReturnsVoid), "[WorkflowUpdate] method UpdateReturnsVoid.Add must return Task or Task<T>, not Void.")]
    [InlineData(typeof(UpdateReturnsValueTask), "[WorkflowUpdate] method UpdateReturnsValueTask.AddAsync must return Task or Task<T>, not ValueTask`1.")]
    [InlineData(typeof(DuplicateUpdates), "workflow DuplicateUpdates has two updates named 'Add'.")]
    [InlineData(typeof(ValidatorOfAMissingMethod), "[WorkflowUpdateValidator] method ValidatorOfAMissingMethod.Validate names 'Missing', which is not a [WorkflowUpdate] method of ValidatorOfAMissingMethod (name the update's method: [WorkflowUpdateValidator(nameof(AddItemAsync))]; updates: AddAsync).")]
    [InlineData(typeof(ValidatorNamesTheUpdateNotTheMethod), "names 'Add', which is not a [WorkflowUpdate] method")]
    [InlineData(typeof(ValidatorWithWrongParameter), "[WorkflowUpdateValidator] method ValidatorWithWrongParameter.Validate must take one parameter of the update's argument type (Int32), like AddAsync; it takes (String).")]
    [InlineData(typeof(ValidatorWithContext), "must take one parameter of the update's argument type (Int32), like AddAsync; it takes (WorkflowContext, Int32).")]
    [InlineData(typeof(ValidatorWithParameterForNoArgument), "must take no parameter, as the update takes no argument, like ResetAsync; it takes (Int32).")]
    [InlineData(typeof(ValidatorReturnsBool), "[WorkflowUpdateValidator] method ValidatorReturnsBool.Validate must return void, not Boolean: a validator rejects the update by throwing.")]
    [InlineData(typeof(TwoValidators), "update 'Add' (AddAsync) has two validators, ValidateA and ValidateB.")]
    [InlineData(typeof(TwoRoles), "Method TwoRoles.Go is marked [WorkflowSignal] and [WorkflowUpdate]: a method plays one of these roles.")]
    public async Task InvalidHandler_IsRefusedAtRegistration_SayingWhy(Type type, string message)
    {
        await Bounded(() =>
        {
            var error = Assert.Throws<ArgumentException>(() => WorkflowDefinition.Create(type));
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        });
    }

    private abstract class Base
    {
        [WorkflowRun]
        public Task RunAsync(WorkflowContext context) => Task.CompletedTask;
    }

    [Workflow]
    private sealed class SignalReturnsAValue : Base
    {
        [WorkflowSignal]
        public int Count() => 1;
    }

    [Workflow]
    private sealed class SignalTakesTwoArguments : Base
    {
        [WorkflowSignal("go")]
        public void Go(int a, int b)
        {
        }
    }

    [Workflow]
    private sealed class SignalContextSecond : Base
    {
        [WorkflowSignal("go")]
        public void Go(int a, WorkflowContext context)
        {
        }
    }

    [Workflow]
    private sealed class SignalByRef : Base
    {
        [WorkflowSignal("go")]
        public void Go(ref int a)
        {
        }
    }

    [Workflow]
    private sealed class SignalNotPublic : Base
    {
        [WorkflowSignal("go")]
        internal void Go()
        {
        }
    }

    [Workflow]
    private sealed class SignalStatic : Base
    {
        [WorkflowSignal("go")]
        public static void Go()
        {
        }
    }

    [Workflow]
    private sealed class DuplicateSignals : Base
    {
        [WorkflowSignal("go")]
        public void Go()
        {
        }

        [WorkflowSignal("go")]
        public void GoAgain()
        {
        }
    }

    [Workflow]
    private sealed class ReservedSignalName : Base
    {
        [WorkflowSignal("__go")]
        public void Go()
        {
        }
    }

    [Workflow]
    private sealed class UpdateReturnsVoid : Base
    {
        [WorkflowUpdate]
        public void Add(int n)
        {
        }
    }

    [Workflow]
    private sealed class UpdateReturnsValueTask : Base
    {
        [WorkflowUpdate]
        public ValueTask<int> AddAsync(int n) => ValueTask.FromResult(n);
    }

    [Workflow]
    private sealed class DuplicateUpdates : Base
    {
        [WorkflowUpdate]
        public Task<int> AddAsync(int n) => Task.FromResult(n);

        [WorkflowUpdate("Add")]
        public Task<int> PlusAsync(int n) => Task.FromResult(n);
    }

    [Workflow]
    private sealed class ValidatorOfAMissingMethod : Base
    {
        [WorkflowUpdate]
        public Task<int> AddAsync(int n) => Task.FromResult(n);

        [WorkflowUpdateValidator("Missing")]
        public void Validate(int n)
        {
        }
    }

    [Workflow]
    private sealed class ValidatorNamesTheUpdateNotTheMethod : Base
    {
        [WorkflowUpdate]
        public Task<int> AddAsync(int n) => Task.FromResult(n);

        [WorkflowUpdateValidator("Add")]
        public void Validate(int n)
        {
        }
    }

    [Workflow]
    private sealed class ValidatorWithWrongParameter : Base
    {
        [WorkflowUpdate]
        public Task<int> AddAsync(int n) => Task.FromResult(n);

        [WorkflowUpdateValidator(nameof(AddAsync))]
        public void Validate(string n)
        {
        }
    }

    [Workflow]
    private sealed class ValidatorWithContext : Base
    {
        [WorkflowUpdate]
        public Task<int> AddAsync(WorkflowContext context, int n) => Task.FromResult(n);

        [WorkflowUpdateValidator(nameof(AddAsync))]
        public void Validate(WorkflowContext context, int n)
        {
        }
    }

    [Workflow]
    private sealed class ValidatorWithParameterForNoArgument : Base
    {
        [WorkflowUpdate]
        public Task ResetAsync() => Task.CompletedTask;

        [WorkflowUpdateValidator(nameof(ResetAsync))]
        public void Validate(int n)
        {
        }
    }

    [Workflow]
    private sealed class ValidatorReturnsBool : Base
    {
        [WorkflowUpdate]
        public Task<int> AddAsync(int n) => Task.FromResult(n);

        [WorkflowUpdateValidator(nameof(AddAsync))]
        public bool Validate(int n) => n > 0;
    }

    [Workflow]
    private sealed class TwoValidators : Base
    {
        [WorkflowUpdate]
        public Task<int> AddAsync(int n) => Task.FromResult(n);

        [WorkflowUpdateValidator(nameof(AddAsync))]
        public void ValidateA(int n)
        {
        }

        [WorkflowUpdateValidator(nameof(AddAsync))]
        public void ValidateB(int n)
        {
        }
    }

    [Workflow]
    private sealed class TwoRoles : Base
    {
        [WorkflowSignal]
        [WorkflowUpdate]
        public Task Go() => Task.CompletedTask;
    }
}
