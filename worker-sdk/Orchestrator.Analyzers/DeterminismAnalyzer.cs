using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Orchestrator.Analyzers;

/// <summary>
/// ORCH0001–ORCH0010 over [Workflow] classes and everything they call in the same compilation. A use inside a workflow
/// class (or a type nested in one) is reported at once. Every other member body is read once for its findings and its
/// callees; at the end, the members reachable from a workflow class (following calls, method groups, property accesses
/// and constructions with their initializers into source, transitively, with a visited set) report their findings. A
/// finding is reported where it is written, once, however many workflows reach it; inside a helper the message names
/// the workflow and the member through which it is reached. [Activity] methods are never entered (an
/// activity call inside an ExecuteActivityAsync expression is not workflow code, its arguments are), nor is the function
/// given to WorkflowContext.SideEffect (it runs once and its value is recorded).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeterminismAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        Descriptors.DeterminismRules.AddRange(Descriptors.InHelpers.Values);

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
            var apis = new DeterminismApis(types);
            var hashOrder = new HashOrder(types);
            var facts = new ConcurrentDictionary<ISymbol, MemberFacts>(SymbolEqualityComparer.Default);
            var initializers = new ConcurrentDictionary<ITypeSymbol, ImmutableArray<ISymbol>>(SymbolEqualityComparer.Default);
            start.RegisterOperationAction(
                operation => Record(operation, types, apis, hashOrder, facts, initializers),
                OperationKind.Invocation, OperationKind.PropertyReference, OperationKind.ObjectCreation,
                OperationKind.FieldReference, OperationKind.MethodReference, OperationKind.Loop);
            start.RegisterCompilationEndAction(end => Report(end, types, facts));
        });
    }

    private static void Record(
        OperationAnalysisContext context,
        KnownTypes types,
        DeterminismApis apis,
        HashOrder hashOrder,
        ConcurrentDictionary<ISymbol, MemberFacts> facts,
        ConcurrentDictionary<ITypeSymbol, ImmutableArray<ISymbol>> initializers)
    {
        if (InSideEffect(context.Operation, types))
        {
            return; // the function given to SideEffect runs once and is recorded: not workflow code on replay
        }
        var finding = context.Operation is IForEachLoopOperation loop ? hashOrder.Classify(loop) : apis.Classify(context.Operation);
        if (finding is not null && InWorkflowClass(context.ContainingSymbol, types))
        {
            // everything in a workflow class is workflow code: reported now, where the IDE shows it and offers the fix
            context.ReportDiagnostic(finding.ToDiagnostic(finding.Descriptor, "", local: true));
            finding = null;
        }
        var callee = Callee(context.Operation);
        if (finding is null && callee is null)
        {
            return;
        }
        var member = facts.GetOrAdd(Owner(context.ContainingSymbol), _ => new MemberFacts());
        if (finding is not null)
        {
            member.Findings.Enqueue(finding);
        }
        if (callee is not null)
        {
            member.Callees.Enqueue(callee);
            if (context.Operation is IObjectCreationOperation { Type: { } created })
            {
                // a constructor also runs the type's field and property initializers
                var ofType = initializers.GetOrAdd(
                    created.OriginalDefinition,
                    type => type.GetMembers().Where(m => !m.IsStatic && HasInitializer(m)).Select(m => m.OriginalDefinition).ToImmutableArray());
                foreach (var initialized in ofType)
                {
                    member.Callees.Enqueue(initialized);
                }
            }
        }
    }

    /// <summary>
    /// Whether the operation is (in) the function handed to <c>WorkflowContext.SideEffect</c> (a lambda or a method group):
    /// its value is recorded the first time and replayed, so it may read the clock, draw a GUID or do small I/O.
    /// </summary>
    private static bool InSideEffect(IOperation operation, KnownTypes types)
    {
        for (var o = operation; o is not null; o = o.Parent)
        {
            if (o is IArgumentOperation { Value: IDelegateCreationOperation, Parent: IInvocationOperation { TargetMethod: { Name: "SideEffect" } method } }
                && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.WorkflowContext))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasInitializer(ISymbol member) => member.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax() switch
    {
        VariableDeclaratorSyntax field => field.Initializer is not null,
        PropertyDeclarationSyntax property => property.Initializer is not null,
        _ => false,
    });

    /// <summary>The member of this compilation that an operation enters, if any.</summary>
    private static ISymbol? Callee(IOperation operation)
    {
        ISymbol? target = operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IMethodReferenceOperation reference => reference.Method,
            IObjectCreationOperation creation => creation.Constructor,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };
        return target is not null && target.OriginalDefinition.Locations.Any(l => l.IsInSource)
            ? Owner(target.OriginalDefinition)
            : null;
    }

    /// <summary>The symbol facts are kept under: accessors under their property, reduced extension methods as declared.</summary>
    private static ISymbol Owner(ISymbol symbol) => symbol switch
    {
        IMethodSymbol { AssociatedSymbol: IPropertySymbol property } => property.OriginalDefinition,
        IMethodSymbol { ReducedFrom: { } declared } => declared.OriginalDefinition,
        _ => symbol.OriginalDefinition,
    };

    private static void Report(CompilationAnalysisContext context, KnownTypes types, ConcurrentDictionary<ISymbol, MemberFacts> facts)
    {
        // breadth first from each workflow class's members; a member keeps the first workflow and path that reached it
        var visited = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);
        var queue = new Queue<ISymbol>();
        foreach (var workflow in WorkflowTypes(context.Compilation.Assembly.GlobalNamespace, types))
        {
            foreach (var member in MembersOf(workflow))
            {
                if (!visited.ContainsKey(member))
                {
                    visited.Add(member, "");
                    queue.Enqueue(member);
                }
            }
            while (queue.Count > 0)
            {
                var member = queue.Dequeue();
                if (!facts.TryGetValue(member, out var memberFacts))
                {
                    continue;
                }
                foreach (var callee in memberFacts.Callees)
                {
                    if (visited.ContainsKey(callee) || KnownTypes.HasAttribute(callee, types.ActivityAttribute))
                    {
                        continue;
                    }
                    var via = visited[member].Length > 0 ? visited[member] : $" (reached from workflow '{workflow.Name}' through '{Name(callee)}')";
                    visited.Add(callee, via);
                    queue.Enqueue(callee);
                }
            }
        }
        foreach (var pair in visited)
        {
            if (facts.TryGetValue(pair.Key, out var memberFacts))
            {
                foreach (var finding in memberFacts.Findings.Distinct(FindingLocation.Instance))
                {
                    context.ReportDiagnostic(finding.ToDiagnostic(Descriptors.InHelpers[finding.Descriptor.Id], pair.Value, local: false));
                }
            }
        }
    }

    private static bool InWorkflowClass(ISymbol member, KnownTypes types)
    {
        for (var type = member.ContainingType; type is not null; type = type.ContainingType)
        {
            if (KnownTypes.HasAttribute(type, types.WorkflowAttribute))
            {
                return true;
            }
        }
        return false;
    }

    private static string Name(ISymbol member) => member.ContainingType is { } type ? type.Name + "." + member.Name : member.Name;

    private static IEnumerable<ISymbol> MembersOf(INamedTypeSymbol workflow) =>
        workflow.GetMembers().Select(m => m.OriginalDefinition);

    private static IEnumerable<INamedTypeSymbol> WorkflowTypes(INamespaceSymbol root, KnownTypes types)
    {
        var stack = new Stack<INamespaceOrTypeSymbol>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            foreach (var member in stack.Pop().GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    stack.Push(ns);
                }
                else if (member is INamedTypeSymbol type)
                {
                    stack.Push(type);
                    if (KnownTypes.HasAttribute(type, types.WorkflowAttribute))
                    {
                        yield return type;
                    }
                }
            }
        }
    }

    /// <summary>One finding per place: the same operation can be seen twice (e.g. a method reference and its conversion).</summary>
    private sealed class FindingLocation : IEqualityComparer<Finding>
    {
        public static readonly FindingLocation Instance = new();

        public bool Equals(Finding? x, Finding? y) => x is not null && y is not null && x.Location == y.Location && x.Descriptor.Id == y.Descriptor.Id;

        public int GetHashCode(Finding obj) => obj.Location.SourceSpan.GetHashCode();
    }
}
