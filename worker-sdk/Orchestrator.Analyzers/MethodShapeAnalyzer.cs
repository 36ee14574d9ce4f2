using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Orchestrator.Analyzers;

/// <summary>
/// ORCH0011 and ORCH0012: what the worker checks when it registers a workflow or activities class (WorkflowDefinition,
/// ActivityDefinition, ActivityInvoker), told at compile time. A workflow class is concrete and non-generic, has a public
/// parameterless constructor and exactly one [WorkflowRun] method: public, non-generic, instance, returning Task or
/// Task&lt;T&gt;, taking (WorkflowContext) or (WorkflowContext, TInput). An [Activity] method is public and non-generic; a
/// CancellationToken parameter of an activity is filled by the worker. Inputs, activity arguments and results go through
/// JSON (ORCH0012).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MethodShapeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.Shape, Descriptors.NotSerializable);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types is null)
            {
                return;
            }
            var serializability = new Serializability(types);
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, types), SymbolKind.NamedType);
            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, types, serializability), SymbolKind.Method);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownTypes types)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!KnownTypes.HasAttribute(type, types.WorkflowAttribute))
        {
            return;
        }
        var location = type.Locations.FirstOrDefault();
        if (type.IsAbstract || type.IsGenericType || type.TypeKind != TypeKind.Class)
        {
            Report(context, location, $"Workflow '{type.Name}' must be a concrete, non-generic class: the worker creates one object of it per run");
        }
        else if (!type.InstanceConstructors.Any(c => c.Parameters.IsEmpty && c.DeclaredAccessibility == Accessibility.Public))
        {
            Report(context, location, $"Workflow '{type.Name}' needs a public parameterless constructor: workflows are not created through dependency injection; put dependencies in activities");
        }
        var runs = type.GetMembers().OfType<IMethodSymbol>().Count(m => KnownTypes.HasAttribute(m, types.WorkflowRunAttribute));
        if (runs != 1)
        {
            Report(context, location, $"Workflow '{type.Name}' must have exactly one [WorkflowRun] method; it has {runs}");
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownTypes types, Serializability serializability)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (KnownTypes.HasAttribute(method, types.WorkflowRunAttribute))
        {
            AnalyzeRun(context, method, types, serializability);
        }
        else if (KnownTypes.HasAttribute(method, types.ActivityAttribute))
        {
            AnalyzeActivity(context, method, types, serializability);
        }
    }

    private static void AnalyzeRun(SymbolAnalysisContext context, IMethodSymbol run, KnownTypes types, Serializability serializability)
    {
        var location = run.Locations.FirstOrDefault();
        var name = run.ContainingType.Name + "." + run.Name;
        if (!KnownTypes.HasAttribute(run.ContainingType, types.WorkflowAttribute))
        {
            Report(context, location, $"[WorkflowRun] method '{name}' is in a class without [Workflow]: mark '{run.ContainingType.Name}' with [Workflow]");
        }
        if (run.DeclaredAccessibility != Accessibility.Public || run.IsStatic || run.IsGenericMethod)
        {
            Report(context, location, $"[WorkflowRun] method '{name}' must be a public, non-generic instance method");
        }
        if (!types.Is(run.ReturnType, types.Task) && !types.Is(run.ReturnType, types.TaskOfT))
        {
            Report(context, location, $"[WorkflowRun] method '{name}' must return Task or Task<T>, not '{run.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'");
        }
        else if (run.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } task)
        {
            CheckValue(context, serializability, "The result of", name, task.TypeArguments[0], location);
        }
        if (run.Parameters.IsEmpty || run.Parameters.Length > 2 || !types.Is(run.Parameters[0].Type, types.WorkflowContext))
        {
            Report(context, location, $"[WorkflowRun] method '{name}' must take (WorkflowContext context) or (WorkflowContext context, TInput input): the first parameter is the workflow's WorkflowContext");
        }
        foreach (var parameter in run.Parameters.Skip(1))
        {
            CheckParameter(context, serializability, "Workflow input", parameter);
        }
    }

    private static void AnalyzeActivity(SymbolAnalysisContext context, IMethodSymbol activity, KnownTypes types, Serializability serializability)
    {
        var location = activity.Locations.FirstOrDefault();
        var name = activity.ContainingType.Name + "." + activity.Name;
        if (activity.DeclaredAccessibility != Accessibility.Public || activity.IsGenericMethod)
        {
            Report(context, location, $"[Activity] method '{name}' must be a public, non-generic method");
        }
        foreach (var parameter in activity.Parameters)
        {
            if (!types.Is(parameter.Type, types.CancellationToken))
            {
                CheckParameter(context, serializability, "Activity parameter", parameter);
            }
        }
        var result = activity.ReturnType;
        if ((types.Is(result, types.TaskOfT) || types.Is(result, types.ValueTaskOfT)) && result is INamedTypeSymbol { TypeArguments.Length: 1 } awaited)
        {
            result = awaited.TypeArguments[0];
        }
        if (!types.Is(result, types.Task) && !types.Is(result, types.ValueTask) && result.SpecialType != SpecialType.System_Void)
        {
            CheckValue(context, serializability, "The result of", name, result, location);
        }
    }

    private static void CheckParameter(SymbolAnalysisContext context, Serializability serializability, string what, IParameterSymbol parameter)
    {
        var location = parameter.Locations.FirstOrDefault();
        if (parameter.RefKind is RefKind.Ref or RefKind.Out)
        {
            Report(context, location, $"{what} '{parameter.Name}' is passed by reference (ref/out): values cross as JSON, so nothing comes back through it; return it instead");
            return;
        }
        CheckValue(context, serializability, what, parameter.Name, parameter.Type, location);
    }

    private static void CheckValue(SymbolAnalysisContext context, Serializability serializability, string what, string name, ITypeSymbol type, Location? location)
    {
        if (serializability.Problem(type) is { } problem)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.NotSerializable, location, what, name, type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), problem));
        }
    }

    private static void Report(SymbolAnalysisContext context, Location? location, string message) =>
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.Shape, location, message));
}
