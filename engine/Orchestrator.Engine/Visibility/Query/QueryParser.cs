namespace Orchestrator.Engine.Visibility.Query;

/// <summary>
/// A recursive-descent parser of the list query language:
/// <code>
/// query     := [or] [ORDER BY field [ASC | DESC]] end
/// or        := and (OR and)*
/// and       := unary (AND unary)*
/// unary     := NOT unary | '(' or ')' | predicate
/// predicate := field ( ('=' | '!=' | '&gt;' | '&gt;=' | '&lt;' | '&lt;=') value
///                    | [NOT] IN '(' value (',' value)* ')' | BETWEEN value AND value | STARTS_WITH value | IS [NOT] NULL )
/// value     := 'string' | "string" | number | true | false
/// </code>
/// Keywords are case-insensitive. Errors carry the 0-based offset of the token where the query stopped making sense.
/// </summary>
internal sealed class QueryParser
{
    /// <summary>Deepest nesting of parentheses and NOT.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most values of one IN list.</summary>
    public const int MaxInValues = 500;

    /// <summary>Most predicates of one query.</summary>
    public const int MaxPredicates = 200;

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "IN", "BETWEEN", "STARTS_WITH", "IS", "NULL", "ORDER", "BY", "ASC", "DESC", "TRUE", "FALSE",
    };

    private readonly List<QueryToken> _tokens;
    private int _next;
    private int _depth;
    private int _predicates;

    private QueryParser(List<QueryToken> tokens) => _tokens = tokens;

    /// <exception cref="QueryException">the text is not a query.</exception>
    public static ParsedQuery Parse(string text)
    {
        var parser = new QueryParser(QueryLexer.Tokenize(text));
        return parser.ParseQuery();
    }

    /// <summary>The parsed query of a list or count: <paramref name="query"/> and the older filters, which add to it (AND).</summary>
    public static ParsedQuery ParseWithFilters(string? query, string? status, string? workflowType, string? workflowIdPrefix)
    {
        var parsed = string.IsNullOrWhiteSpace(query) ? new ParsedQuery(null, null) : Parse(query);
        var where = parsed.Where;
        void And(QueryNode node) => where = where is null ? node : new AndNode(where, node);
        if (status is not null)
        {
            And(new ComparisonNode(new FieldRef("ExecutionStatus", 0), "=", new Literal(LiteralKind.String, status, 0)));
        }
        if (workflowType is not null)
        {
            And(new ComparisonNode(new FieldRef("WorkflowType", 0), "=", new Literal(LiteralKind.String, workflowType, 0)));
        }
        if (workflowIdPrefix is not null)
        {
            And(new StartsWithNode(new FieldRef("WorkflowId", 0), new Literal(LiteralKind.String, workflowIdPrefix, 0)));
        }
        return parsed with { Where = where };
    }

    private QueryToken Peek => _tokens[_next];

    private QueryToken Take() => _tokens[_next++];

    private ParsedQuery ParseQuery()
    {
        QueryNode? where = null;
        if (Peek.Kind != TokenKind.End && !Peek.Is("ORDER"))
        {
            where = ParseOr();
        }
        OrderBy? order = null;
        if (Peek.Is("ORDER"))
        {
            Take();
            Expect("BY");
            var field = ParseField("a field to order by");
            var descending = false;
            if (Peek.Is("DESC"))
            {
                Take();
                descending = true;
            }
            else if (Peek.Is("ASC"))
            {
                Take();
            }
            order = new OrderBy(field, descending);
        }
        if (Peek.Kind != TokenKind.End)
        {
            throw Unexpected(where is null && order is null ? "a field" : order is null ? "AND, OR, ORDER BY or the end of the query" : "ASC, DESC or the end of the query");
        }
        return new ParsedQuery(where, order);
    }

    private QueryNode ParseOr()
    {
        var left = ParseAnd();
        while (Peek.Is("OR"))
        {
            Take();
            left = new OrNode(left, ParseAnd());
        }
        return left;
    }

    private QueryNode ParseAnd()
    {
        var left = ParseUnary();
        while (Peek.Is("AND"))
        {
            Take();
            left = new AndNode(left, ParseUnary());
        }
        return left;
    }

    private QueryNode ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw new QueryException(Peek.Position, $"The query nests NOT and parentheses more than {MaxDepth} deep.");
        }
        try
        {
            if (Peek.Is("NOT"))
            {
                var at = Take().Position;
                return new NotNode(ParseUnary(), at);
            }
            if (Peek.Kind == TokenKind.LeftParen)
            {
                Take();
                var inner = ParseOr();
                if (Peek.Kind != TokenKind.RightParen)
                {
                    throw Unexpected("AND, OR or ')'");
                }
                Take();
                return inner;
            }
            return ParsePredicate();
        }
        finally
        {
            _depth--;
        }
    }

    private QueryNode ParsePredicate()
    {
        var field = ParseField("a field, NOT or '('");
        if (++_predicates > MaxPredicates)
        {
            throw new QueryException(field.Position, $"The query has more than {MaxPredicates} conditions.");
        }
        var token = Peek;
        if (token.Kind == TokenKind.Operator)
        {
            Take();
            return new ComparisonNode(field, token.Text, ParseValue(), token.Position);
        }
        if (token.Is("NOT"))
        {
            Take();
            if (!Peek.Is("IN"))
            {
                throw Unexpected("IN");
            }
            var inNode = ParseIn(field);
            return new NotNode(inNode, token.Position);
        }
        if (token.Is("IN"))
        {
            return ParseIn(field);
        }
        if (token.Is("BETWEEN"))
        {
            Take();
            var low = ParseValue();
            Expect("AND");
            return new BetweenNode(field, low, ParseValue());
        }
        if (token.Is("STARTS_WITH"))
        {
            Take();
            return new StartsWithNode(field, ParseValue());
        }
        if (token.Is("IS"))
        {
            Take();
            var negated = false;
            if (Peek.Is("NOT"))
            {
                Take();
                negated = true;
            }
            Expect("NULL");
            return new IsNullNode(field, negated);
        }
        throw Unexpected("an operator (=, !=, >, >=, <, <=, IN, NOT IN, BETWEEN, STARTS_WITH, IS NULL, IS NOT NULL)");
    }

    private InNode ParseIn(FieldRef field)
    {
        Take(); // IN
        if (Peek.Kind != TokenKind.LeftParen)
        {
            throw Unexpected("'(' and a list of values");
        }
        Take();
        var values = new List<Literal> { ParseValue() };
        while (Peek.Kind == TokenKind.Comma)
        {
            Take();
            if (values.Count >= MaxInValues)
            {
                throw new QueryException(Peek.Position, $"An IN list may have at most {MaxInValues} values.");
            }
            values.Add(ParseValue());
        }
        if (Peek.Kind != TokenKind.RightParen)
        {
            throw Unexpected("',' or ')'");
        }
        Take();
        return new InNode(field, values);
    }

    private FieldRef ParseField(string expected)
    {
        var token = Peek;
        if (token.Kind != TokenKind.Identifier || Reserved.Contains(token.Text))
        {
            throw Unexpected(expected);
        }
        Take();
        return new FieldRef(token.Text, token.Position);
    }

    private Literal ParseValue()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case TokenKind.String:
                Take();
                return new Literal(LiteralKind.String, token.Text, token.Position);
            case TokenKind.Number:
                Take();
                return new Literal(LiteralKind.Number, token.Text, token.Position);
            case TokenKind.Identifier when token.Is("true") || token.Is("false"):
                Take();
                return new Literal(LiteralKind.Bool, token.Text.ToLowerInvariant(), token.Position);
            default:
                throw Unexpected(token.Kind == TokenKind.Identifier && !Reserved.Contains(token.Text)
                    ? "a value (strings are written in quotes: 'text')"
                    : "a value: a 'string', a number, true or false");
        }
    }

    private void Expect(string keyword)
    {
        if (!Peek.Is(keyword))
        {
            throw Unexpected(keyword);
        }
        Take();
    }

    private QueryException Unexpected(string expected) =>
        new(Peek.Position, $"Expected {expected} at position {Peek.Position}, found {Peek.Describe()}.", expected);
}
