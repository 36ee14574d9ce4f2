using System.Net;

namespace Orchestrator.Sdk;

/// <summary>The engine's REST API refused a call; carries its RFC 7807 problem details.</summary>
public sealed class OrchestratorApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="detail">The problem's detail, if any.</param>
    public OrchestratorApiException(HttpStatusCode statusCode, string title, string? detail)
        : base(detail is null ? $"{(int)statusCode} {title}" : $"{(int)statusCode} {title}: {detail}")
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
    }

    /// <summary>The HTTP status (e.g. 404 no such workflow, 409 a run with that id is open, 400 bad input).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's title.</summary>
    public string Title { get; }

    /// <summary>The problem's detail, if any.</summary>
    public string? Detail { get; }
}
