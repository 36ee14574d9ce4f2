using System.Net;
using Orchestrator.Dashboard.Api;

namespace Orchestrator.Dashboard.Tests;

/// <summary>How the dashboard passes a list query on: its ORDER BY left out of counts, a bad query's position read from the problem.</summary>
public sealed class QueryFilterTests
{
    [Theory]
    [InlineData("WorkflowType = 'A' ORDER BY StartTime DESC", "WorkflowType = 'A' ")]
    [InlineData("WorkflowId = 'order by me' order\tby CloseTime", "WorkflowId = 'order by me' ")]
    [InlineData("OrderCount > 1 AND Note = \"ORDER BY\"", "OrderCount > 1 AND Note = \"ORDER BY\"")]
    [InlineData("ORDER BY StartTime", "")]
    public void WithoutOrder_CutsTheFirstOrderByOutsideQuotes(string query, string expected) =>
        Assert.Equal(expected, EngineApiClient.WithoutOrder(query));

    [Theory]
    [InlineData("{\"title\":\"Bad query\",\"status\":400,\"detail\":\"x\",\"position\":15}", 15)]
    [InlineData("{\"title\":\"Bad request\",\"status\":400}", null)]
    [InlineData("not json", null)]
    public void ProblemPosition_IsReadFromTheProblemBody(string body, int? expected)
    {
        Assert.Equal(expected, EngineApiClient.ProblemPosition(body));
        Assert.StartsWith("400", EngineApiClient.ProblemText(HttpStatusCode.BadRequest, body), StringComparison.Ordinal);
    }
}
