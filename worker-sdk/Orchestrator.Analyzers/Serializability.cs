using Microsoft.CodeAnalysis;

namespace Orchestrator.Analyzers;

/// <summary>ORCH0012: types that System.Text.Json cannot carry into history and back, and what to do instead.</summary>
internal sealed class Serializability(KnownTypes types)
{
    /// <summary>Why <paramref name="type"/> (or an element or type argument of it) cannot be recorded, or null when it can.</summary>
    public string? Problem(ITypeSymbol type)
    {
        switch (type)
        {
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return "pointers have no JSON form; pass the data itself";
            case IArrayTypeSymbol array:
                return Problem(array.ElementType);
        }
        if (type.TypeKind == TypeKind.Delegate)
        {
            return "code cannot be recorded; pass data and let the activity or workflow decide what to run";
        }
        if (type.IsRefLikeType)
        {
            return "ref structs (Span, ReadOnlySpan) cannot be stored; pass an array or a string";
        }
        if (KnownTypes.DerivesFromAny(type, Single(types.Stream)))
        {
            return "a stream is a live handle; pass the bytes (byte[]) or, for large data, a reference such as a URL or a file name";
        }
        if (types.Is(type, types.CancellationToken) || types.Is(type, types.CancellationTokenSource))
        {
            return "cancellation is not data; a workflow uses context.CancellationToken, an activity takes a CancellationToken parameter (which the worker fills, not the caller)";
        }
        if (types.Is(type, types.Task) || types.Is(type, types.TaskOfT) || types.Is(type, types.ValueTask) || types.Is(type, types.ValueTaskOfT))
        {
            return "a task is a running operation; await it and pass its result";
        }
        if (types.Is(type, types.WorkflowContext) || types.Is(type, types.ActivityExecutionContext))
        {
            return "a context is the runtime's, not data; a workflow gets its WorkflowContext as the run method's first parameter, an activity reads ActivityExecutionContext.Current";
        }
        if (KnownTypes.DerivesFromAny(type, Single(types.MemberInfo)))
        {
            return "reflection objects have no JSON form; pass a name";
        }
        if (type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
        {
            return "native handles mean nothing in another process; pass the data itself";
        }
        if (type is INamedTypeSymbol named)
        {
            foreach (var argument in named.TypeArguments)
            {
                if (Problem(argument) is { } problem)
                {
                    return problem;
                }
            }
        }
        return null;
    }

    private static INamedTypeSymbol[] Single(INamedTypeSymbol? type) => type is null ? [] : [type];
}
