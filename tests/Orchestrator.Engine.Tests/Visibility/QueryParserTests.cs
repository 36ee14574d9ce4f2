using Orchestrator.Engine.Visibility.Query;

namespace Orchestrator.Engine.Tests.Visibility;

/// <summary>The list query language's tokenizer and parser: the tree of each operator, precedence, and the position of each error.</summary>
public sealed class QueryParserTests
{
    private static QueryException Error(string query) => Assert.Throws<QueryException>(() => QueryParser.Parse(query));

    [Fact]
    public void Every_operator_parses_into_its_node()
    {
        var q = QueryParser.Parse(
            "A = 'x' AND B != 1 AND C > 1.5 AND D >= -2 AND E < 3e2 AND F <= 4 AND G IN ('a', \"b\") AND H NOT IN (1) AND I BETWEEN 1 AND 2 " +
            "AND J STARTS_WITH 'p' AND K IS NULL AND L IS NOT NULL AND NOT (M = true OR N = false) ORDER BY StartTime DESC");

        var nodes = Flatten(q.Where!).ToList();
        Assert.Equal(["=", "!=", ">", ">=", "<", "<="], nodes.OfType<ComparisonNode>().Take(6).Select(c => c.Operator));
        Assert.Equal(["a", "b"], nodes.OfType<InNode>().First().Values.Select(v => v.Text));
        Assert.Contains(nodes, n => n is NotNode { Inner: InNode { Field.Name: "H" } });
        Assert.Contains(nodes, n => n is BetweenNode { Low.Text: "1", High.Text: "2" });
        Assert.Contains(nodes, n => n is StartsWithNode { Prefix.Text: "p" });
        Assert.Contains(nodes, n => n is IsNullNode { Field.Name: "K", Negated: false });
        Assert.Contains(nodes, n => n is IsNullNode { Field.Name: "L", Negated: true });
        Assert.Contains(nodes, n => n is NotNode { Inner: OrNode });
        Assert.Equal("-2", nodes.OfType<ComparisonNode>().Single(c => c.Field.Name == "D").Value.Text);
        Assert.Equal(LiteralKind.Bool, nodes.OfType<ComparisonNode>().Single(c => c.Field.Name == "M").Value.Kind);
        Assert.Equal(new OrderBy(new FieldRef("StartTime", q.Order!.Field.Position), true), q.Order);
    }

    private static IEnumerable<QueryNode> Flatten(QueryNode node) => node switch
    {
        AndNode a => Flatten(a.Left).Concat(Flatten(a.Right)),
        OrNode o => new QueryNode[] { o }.Concat(Flatten(o.Left)).Concat(Flatten(o.Right)),
        NotNode n => new QueryNode[] { n }.Concat(Flatten(n.Inner)),
        _ => [node],
    };

    [Fact]
    public void And_binds_tighter_than_or_and_parentheses_override_it()
    {
        var plain = QueryParser.Parse("A = 1 OR B = 2 AND C = 3").Where;
        var grouped = QueryParser.Parse("(A = 1 OR B = 2) AND C = 3").Where;

        Assert.IsType<OrNode>(plain);
        Assert.IsType<AndNode>(((OrNode)plain!).Right);
        Assert.IsType<AndNode>(grouped);
        Assert.IsType<OrNode>(((AndNode)grouped!).Left);
    }

    [Fact]
    public void Keywords_are_case_insensitive_and_quotes_are_escaped_by_doubling()
    {
        var q = QueryParser.Parse("a = 'it''s' and b in (\"say \"\"hi\"\"\") order by c asc");

        var and = Assert.IsType<AndNode>(q.Where);
        Assert.Equal("it's", ((ComparisonNode)and.Left).Value.Text);
        Assert.Equal("say \"hi\"", ((InNode)and.Right).Values[0].Text);
        Assert.False(q.Order!.Descending);
    }

    [Fact]
    public void An_empty_query_and_an_order_alone_parse()
    {
        Assert.Equal(new ParsedQuery(null, null), QueryParser.Parse("   "));
        Assert.Null(QueryParser.Parse("ORDER BY CloseTime").Where);
    }

    [Theory]
    [InlineData("WorkflowType = ", 15, "a value")]
    [InlineData("WorkflowType 'x'", 13, "an operator")]
    [InlineData("WorkflowType = 'x' AND", 22, "a field")]
    [InlineData("WorkflowType = 'x' Status = 'y'", 19, "AND, OR, ORDER BY")]
    [InlineData("(A = 1 OR B = 2", 15, "AND, OR or ')'")]
    [InlineData("A = 'unterminated", 4, "a closing '")]
    [InlineData("A = 1 ORDER StartTime", 12, "BY")]
    [InlineData("A = 1 ORDER BY StartTime SIDEWAYS", 25, "ASC, DESC")]
    [InlineData("A IN 1, 2", 5, "'('")]
    [InlineData("A IN (1 2)", 8, "',' or ')'")]
    [InlineData("A BETWEEN 1 2", 12, "AND")]
    [InlineData("A IS MISSING", 5, "NULL")]
    [InlineData("A = x", 4, "a value (strings are written in quotes")]
    [InlineData("A = 1; DROP TABLE workflow_runs", 5, "a field, a value, an operator")]
    [InlineData("A ! 1", 2, "'!='")]
    [InlineData("A = 12abc", 6, "a number")]
    [InlineData("AND = 1", 0, "a field")]
    public void A_bad_query_names_the_position_and_what_was_expected(string query, int position, string expected)
    {
        var e = Error(query);

        Assert.Equal(position, e.Position);
        Assert.Contains(expected, e.Expected ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_lists_and_length_are_bounded()
    {
        Assert.Contains("deep", Error(string.Concat(Enumerable.Repeat("(", 40)) + "A = 1" + new string(')', 40)).Message, StringComparison.Ordinal);
        Assert.Contains("at most 500", Error("A IN (" + string.Join(",", Enumerable.Range(0, 501)) + ")").Message, StringComparison.Ordinal);
        Assert.Contains("longer than", Error("A = '" + new string('x', QueryLexer.MaxLength) + "'").Message, StringComparison.Ordinal);
        Assert.Contains("200 conditions", Error(string.Join(" OR ", Enumerable.Range(0, 201).Select(i => $"A = {i}"))).Message, StringComparison.Ordinal);
    }
}
