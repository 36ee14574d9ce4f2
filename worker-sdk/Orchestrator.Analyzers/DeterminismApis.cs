using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Orchestrator.Analyzers;

/// <summary>Says whether one operation uses an API that workflow code must not use (ORCH0001–ORCH0009), and which.</summary>
internal sealed class DeterminismApis(KnownTypes types)
{
    public Finding? Classify(IOperation operation) => operation switch
    {
        IInvocationOperation invocation => Method(invocation, invocation.TargetMethod),
        IPropertyReferenceOperation property => Property(property),
        IObjectCreationOperation creation => Creation(creation),
        IFieldReferenceOperation field => Field(field),
        IMethodReferenceOperation reference => Method(reference, reference.Method),
        _ => null,
    };

    /// <summary>A call, or a method group (<c>Func&lt;Guid&gt; f = Guid.NewGuid</c>) that some code will call.</summary>
    private Finding? Method(IOperation invocation, IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (types.Is(type, types.Guid) && method.Name == "NewGuid")
        {
            return new Finding(Descriptors.NewGuid, invocation.Syntax.GetLocation(), "Guid.NewGuid()", fix: invocation is IInvocationOperation ? FixKinds.NewGuid : null);
        }
        if (types.Is(type, types.Guid) && method.Name == "CreateVersion7")
        {
            return new Finding(Descriptors.NewGuid, invocation.Syntax.GetLocation(), "Guid.CreateVersion7");
        }
        if (types.Is(type, types.Task) && method.Name == "Delay")
        {
            var fixable = method.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32
                || p.Type.Name is "TimeSpan" or "CancellationToken");
            return new Finding(Descriptors.Delay, invocation.Syntax.GetLocation(), "Task.Delay", fix: fixable && invocation is IInvocationOperation ? FixKinds.DelayAsync : null);
        }
        if (types.Is(type, types.Task) && method.Name == "Run")
        {
            return new Finding(Descriptors.Threads, invocation.Syntax.GetLocation(), "Task.Run");
        }
        if ((types.Is(type, types.TaskFactory) || types.Is(type, types.TaskFactoryOfT)) && method.Name == "StartNew")
        {
            return new Finding(Descriptors.Threads, invocation.Syntax.GetLocation(), "TaskFactory.StartNew");
        }
        if (method.Name == "ConfigureAwait" && invocation is IInvocationOperation configureAwait && IsFalse(configureAwait))
        {
            return new Finding(Descriptors.ConfigureAwait, invocation.Syntax.GetLocation(), "ConfigureAwait(false)");
        }
        if (types.Is(type, types.CancellationTokenSource) && method.Name == "CancelAfter")
        {
            return new Finding(Descriptors.Delay, invocation.Syntax.GetLocation(), "CancellationTokenSource.CancelAfter");
        }
        return Member(invocation, method, method.Name);
    }

    private Finding? Property(IPropertyReferenceOperation reference)
    {
        var property = reference.Property;
        var type = property.ContainingType;
        var location = reference.Syntax.GetLocation();
        if (types.Is(type, types.DateTime) && property.Name is "Now" or "UtcNow" or "Today")
        {
            return new Finding(Descriptors.Clock, location, "DateTime." + property.Name, fix: property.Name == "UtcNow" ? FixKinds.UtcDateTime : null);
        }
        if (types.Is(type, types.DateTimeOffset) && property.Name is "Now" or "UtcNow")
        {
            return new Finding(Descriptors.Clock, location, "DateTimeOffset." + property.Name, fix: property.Name == "UtcNow" ? FixKinds.UtcNow : null);
        }
        if (types.Is(type, types.Environment) && property.Name is "TickCount" or "TickCount64")
        {
            return new Finding(Descriptors.Clock, location, "Environment." + property.Name);
        }
        if (types.Is(type, types.Random) && property.Name == "Shared")
        {
            return new Finding(Descriptors.Random, location, "Random.Shared", fix: FixKinds.Random);
        }
        if (property.IsStatic && IsSourceMutable(property))
        {
            return new Finding(Descriptors.StaticState, location, type.Name + "." + property.Name);
        }
        return Member(reference, property, property.Name);
    }

    private Finding? Creation(IObjectCreationOperation creation)
    {
        var type = creation.Type;
        var location = creation.Syntax.GetLocation();
        if (types.Is(type, types.Random) && creation.Arguments.Length == 0)
        {
            return new Finding(Descriptors.Random, location, "new Random()");
        }
        if (types.Is(type, types.Thread))
        {
            return new Finding(Descriptors.Threads, location, "new Thread");
        }
        if (KnownTypes.DerivesFromAny(type, types.Timers))
        {
            return new Finding(Descriptors.Delay, location, "new " + type!.Name);
        }
        if (types.Is(type, types.CancellationTokenSource) && creation.Arguments.Length > 0)
        {
            return new Finding(Descriptors.Delay, location, "new CancellationTokenSource(delay)");
        }
        return creation.Constructor is { } constructor ? Member(creation, constructor, "new " + type!.Name) : null;
    }

    private Finding? Field(IFieldReferenceOperation reference)
    {
        var field = reference.Field;
        if (field.IsStatic && !field.IsReadOnly && !field.IsConst && field.ContainingType.TypeKind != TypeKind.Enum)
        {
            return new Finding(Descriptors.StaticState, reference.Syntax.GetLocation(), field.ContainingType.Name + "." + field.Name);
        }
        return null;
    }

    /// <summary>Rules that hold for every member of a type: the stopwatch, threads and parallel loops, environment, I/O.</summary>
    private Finding? Member(IOperation operation, ISymbol member, string name)
    {
        var type = member.ContainingType;
        var location = operation.Syntax.GetLocation();
        var display = name.StartsWith("new ", System.StringComparison.Ordinal) ? name : type.Name + "." + name;
        if (types.Is(type, types.Stopwatch))
        {
            return new Finding(Descriptors.Clock, location, display);
        }
        if (types.Is(type, types.Thread) && name == "Sleep")
        {
            return new Finding(Descriptors.Delay, location, "Thread.Sleep");
        }
        if (types.Is(type, types.Parallel) || types.Is(type, types.ThreadPool))
        {
            return new Finding(Descriptors.Threads, location, display);
        }
        if (types.Is(type, types.RandomNumberGenerator))
        {
            return new Finding(Descriptors.Random, location, display);
        }
        if (types.Is(type, types.Environment) && name is "GetEnvironmentVariable" or "GetEnvironmentVariables" or "ExpandEnvironmentVariables")
        {
            return new Finding(Descriptors.Environment, location, display);
        }
        if (KnownTypes.DerivesFromAny(type, types.IoTypes))
        {
            return new Finding(Descriptors.InputOutput, location, display);
        }
        return null;
    }

    /// <summary>ConfigureAwait(false), or ConfigureAwait(options) without ContinueOnCapturedContext.</summary>
    private bool IsFalse(IInvocationOperation invocation)
    {
        if (invocation.Arguments.Length != 1)
        {
            return false;
        }
        var argument = invocation.Arguments[0].Value;
        var value = argument.ConstantValue;
        if (!value.HasValue)
        {
            return false;
        }
        if (value.Value is false)
        {
            return true;
        }
        const int continueOnCapturedContext = 1;
        return types.Is(argument.Type, types.ConfigureAwaitOptions) && value.Value is int flags && (flags & continueOnCapturedContext) == 0;
    }

    /// <summary>A static property declared in this compilation with a setter (other than init) and no getter logic of its own.</summary>
    private static bool IsSourceMutable(IPropertySymbol property) =>
        property.SetMethod is { IsInitOnly: false } setter
        && !setter.DeclaringSyntaxReferences.IsEmpty
        && property.ContainingType.GetMembers().OfType<IFieldSymbol>()
            .Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property) && !f.IsReadOnly);
}
