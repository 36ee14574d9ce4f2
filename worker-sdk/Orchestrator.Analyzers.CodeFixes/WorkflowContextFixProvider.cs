using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Orchestrator.Analyzers;

/// <summary>
/// The mechanical fixes, each onto a member that WorkflowContext has: <c>DateTime.UtcNow</c> → <c>context.UtcNow.UtcDateTime</c>,
/// <c>DateTimeOffset.UtcNow</c> → <c>context.UtcNow</c>, <c>Guid.NewGuid()</c> → <c>context.NewGuid()</c>,
/// <c>Random.Shared</c> → <c>context.Random</c>, <c>Task.Delay(x)</c> → <c>context.DelayAsync(x)</c>. The context is a WorkflowContext parameter, local, field or property
/// in scope at the diagnostic; with none in scope no fix is offered (the analyzer names the replacement all the same).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WorkflowContextFixProvider))]
[Shared]
public sealed class WorkflowContextFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.Clock, DiagnosticIds.NewGuid, DiagnosticIds.Random, DiagnosticIds.Delay);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var contextType = model?.Compilation.GetTypeByMetadataName("Orchestrator.Sdk.WorkflowContext");
        if (root is null || model is null || contextType is null)
        {
            return;
        }
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(FixKinds.Key, out var kind) || kind is null)
            {
                continue;
            }
            var span = diagnostic.Location.SourceSpan;
            var expression = root.FindNode(span).DescendantNodesAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(n => n.Span == span);
            if (expression is null)
            {
                continue;
            }
            var workflowContext = FindContext(model, expression, contextType);
            if (workflowContext is null)
            {
                continue;
            }
            var replacement = Replacement(kind, expression, workflowContext, model);
            if (replacement is null)
            {
                continue;
            }
            var title = $"Use {workflowContext}.{Member(kind)}";
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(expression, replacement.WithTriviaFrom(expression)))),
                    equivalenceKey: kind),
                diagnostic);
        }
    }

    private static string Member(string kind) => kind switch
    {
        FixKinds.UtcDateTime => "UtcNow.UtcDateTime",
        FixKinds.UtcNow => "UtcNow",
        FixKinds.NewGuid => "NewGuid()",
        FixKinds.Random => "Random",
        _ => "DelayAsync",
    };

    private static ExpressionSyntax? Replacement(string kind, ExpressionSyntax expression, string contextName, SemanticModel model)
    {
        var context = SyntaxFactory.IdentifierName(contextName);
        switch (kind)
        {
            case FixKinds.UtcNow:
                return Access(context, "UtcNow");
            case FixKinds.UtcDateTime:
                return Access(Access(context, "UtcNow"), "UtcDateTime");
            case FixKinds.NewGuid:
                return SyntaxFactory.InvocationExpression(Access(context, "NewGuid"));
            case FixKinds.Random:
                return Access(context, "Random");
            case FixKinds.DelayAsync when expression is InvocationExpressionSyntax { ArgumentList.Arguments.Count: > 0 } delay:
                return SyntaxFactory.InvocationExpression(Access(context, "DelayAsync"), DelayArguments(delay.ArgumentList, model));
            default:
                return null;
        }
    }

    /// <summary>Task.Delay's milliseconds (an int) become TimeSpan.FromMilliseconds(ms); DelayAsync takes a TimeSpan.</summary>
    private static ArgumentListSyntax DelayArguments(ArgumentListSyntax arguments, SemanticModel model)
    {
        var first = arguments.Arguments[0];
        if (model.GetTypeInfo(first.Expression).Type?.SpecialType != SpecialType.System_Int32)
        {
            return arguments;
        }
        var timeSpan = SyntaxFactory.ParseExpression("global::System.TimeSpan.FromMilliseconds").WithAdditionalAnnotations(Simplifier.Annotation);
        var converted = first.WithExpression(SyntaxFactory.InvocationExpression(
            (ExpressionSyntax)timeSpan, SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(first.Expression)))));
        return arguments.WithArguments(arguments.Arguments.Replace(first, converted));
    }

    private static MemberAccessExpressionSyntax Access(ExpressionSyntax target, string name) =>
        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, SyntaxFactory.IdentifierName(name));

    /// <summary>The name of a WorkflowContext in scope: a parameter or local first, then a field or property of the type (not a nullable one).</summary>
    private static string? FindContext(SemanticModel model, ExpressionSyntax at, INamedTypeSymbol contextType)
    {
        // a WorkflowContext? field would give a nullable warning (an error where warnings are): not offered
        var candidates = model.LookupSymbols(at.SpanStart)
            .Where(s => TypeOf(s) is { NullableAnnotation: not NullableAnnotation.Annotated } type
                && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, contextType))
            .ToList();
        var inStaticMember = model.GetEnclosingSymbol(at.SpanStart) is { IsStatic: true };
        var chosen = candidates.FirstOrDefault(s => s is IParameterSymbol or ILocalSymbol)
            ?? candidates.FirstOrDefault(s => s is IFieldSymbol or IPropertySymbol && (s.IsStatic || !inStaticMember));
        return chosen?.Name;
    }

    private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
    {
        IParameterSymbol parameter => parameter.Type,
        ILocalSymbol local => local.Type,
        IFieldSymbol field => field.Type,
        IPropertySymbol property => property.Type,
        _ => null,
    };
}
