namespace Orchestrator.Engine.Api;

/// <summary>RFC 7807 answers of the API.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: 400, title: "Bad request");

    public static IResult NotFound(string detail) => Results.Problem(detail, statusCode: 404, title: "Not found");

    public static IResult Conflict(string detail) => Results.Problem(detail, statusCode: 409, title: "Conflict");

    /// <summary>A problem of any status; <paramref name="failure"/>, when given, goes in the extension <c>failure</c>.</summary>
    public static IResult Status(int status, string title, string detail, Contracts.FailureInfo? failure = null) =>
        Results.Problem(detail, statusCode: status, title: title,
            extensions: failure is null ? null : new Dictionary<string, object?> { ["failure"] = failure });

    /// <summary>413, then the rest of the body is drained before the connection closes (<see cref="PayloadTooLargeResult"/>).</summary>
    public static IResult TooLarge() => new PayloadTooLargeResult();
}

/// <summary>A request body that could not be read; carries the problem to answer with.</summary>
internal sealed class BodyException(IResult problem) : Exception
{
    public IResult Problem { get; } = problem;
}
