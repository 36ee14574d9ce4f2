using System.Net;
using System.Text;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Dashboard.Api;

namespace Orchestrator.Dashboard.Tests;

/// <summary>An <see cref="HttpMessageHandler"/> that answers with <see cref="Respond"/> and records every request.</summary>
internal sealed class StubEngine : HttpMessageHandler
{
    public List<(HttpMethod Method, string PathAndQuery, string Body, string? ApiKey)> Requests { get; } = [];

    public Func<HttpRequestMessage, (HttpStatusCode Status, string Body)> Respond { get; set; } = _ => (HttpStatusCode.Accepted, "");

    /// <summary>Awaited before <see cref="Respond"/>: holds an answer back (a worker that takes its time).</summary>
    public Func<HttpRequestMessage, Task>? Delay { get; set; }

    public EngineApiClient CreateClient() => new(new HttpClient(this, disposeHandler: false) { BaseAddress = new Uri("http://engine.test/") });

    /// <summary>Registers the client (and <see cref="WorkflowActions"/> over it, which needs <c>AddAuthorization()</c> where a test uses it).</summary>
    public void AddTo(BunitContext context)
        => context.Services.AddSingleton(CreateClient()).AddSingleton(TimeProvider.System).AddScoped<WorkflowActions>();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var key = request.Headers.TryGetValues("X-Api-Key", out var values) ? values.Single() : null;
        lock (Requests)
        {
            Requests.Add((request.Method, request.RequestUri!.PathAndQuery, body, key));
        }
        if (Delay is { } delay)
        {
            await delay(request);
        }
        var (status, responseBody) = Respond(request);
        var contentType = (int)status >= 400 ? "application/problem+json" : "application/json";
        return new HttpResponseMessage(status) { Content = new StringContent(responseBody, Encoding.UTF8, contentType) };
    }
}
