namespace Orchestrator.Engine.Visibility.Query;

/// <summary>A parsed list query: an optional filter and an optional order (<see cref="QueryParser"/>).</summary>
internal sealed record ParsedQuery(QueryNode? Where, OrderBy? Order);

/// <summary>ORDER BY one field.</summary>
internal sealed record OrderBy(FieldRef Field, bool Descending);

/// <summary>A node of the filter; <see cref="Position"/> is its 0-based offset in the query text.</summary>
internal abstract record QueryNode(int Position);

internal sealed record AndNode(QueryNode Left, QueryNode Right) : QueryNode(Left.Position);

internal sealed record OrNode(QueryNode Left, QueryNode Right) : QueryNode(Left.Position);

internal sealed record NotNode(QueryNode Inner, int At) : QueryNode(At);

/// <summary><c>field op value</c> with op one of <c>= != &gt; &gt;= &lt; &lt;=</c>.</summary>
internal sealed record ComparisonNode(FieldRef Field, string Operator, Literal Value, int OperatorPosition = 0) : QueryNode(Field.Position);

internal sealed record InNode(FieldRef Field, IReadOnlyList<Literal> Values) : QueryNode(Field.Position);

internal sealed record BetweenNode(FieldRef Field, Literal Low, Literal High) : QueryNode(Field.Position);

internal sealed record StartsWithNode(FieldRef Field, Literal Prefix) : QueryNode(Field.Position);

/// <summary><c>field IS NULL</c>, or <c>IS NOT NULL</c> when <paramref name="Negated"/>.</summary>
internal sealed record IsNullNode(FieldRef Field, bool Negated) : QueryNode(Field.Position);

/// <summary>A field name as written (resolved against the built-ins and the registered attributes by the compiler).</summary>
internal sealed record FieldRef(string Name, int Position);

internal enum LiteralKind
{
    String,
    Number,
    Bool,
}

/// <summary>A value as written: a quoted string (unescaped), a number's text, or <c>true</c>/<c>false</c>.</summary>
internal sealed record Literal(LiteralKind Kind, string Text, int Position);
