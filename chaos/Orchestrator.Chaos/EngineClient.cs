using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orchestrator.Chaos;

/// <summary>How a request ended: an answer, certainly not sent (connection refused), or unknown (the engine may have acted).</summary>
internal enum Delivery
{
    Answered,
    NotSent,
    Unknown,
}

/// <summary>One request's outcome, with the harness's clock around it (UTC).</summary>
internal sealed record Reply(Delivery Delivery, int Status, string Body, DateTime SentAt, DateTime AnsweredAt, int Engine)
{
    /// <summary>An earlier attempt of the same request may have reached the engine (so a 404 now may be its doing).</summary>
    public bool AfterUncertainAttempt { get; init; }

    public bool Is(int status) => Delivery == Delivery.Answered && Status == status;

    public override string ToString() => Delivery == Delivery.Answered ? $"{Status}" : Delivery.ToString();
}

/// <summary>REST calls to whichever of the two engines answers (a killed engine refuses connections; the other is tried).</summary>
internal sealed class EngineClient(Fleet fleet) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 64,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>POSTs <paramref name="json"/> to <paramref name="path"/> on engine <paramref name="first"/>, or the other one when it refuses the connection.</summary>
    public async Task<Reply> PostAsync(string path, string? json, int first)
    {
        Reply? last = null;
        for (var k = 0; k < fleet.Engines.Count; k++)
        {
            var engine = (first + k) % fleet.Engines.Count;
            last = await SendAsync(HttpMethod.Post, path, json, engine);
            if (last.Delivery != Delivery.NotSent)
            {
                return last;
            }
        }
        return last!;
    }

    /// <summary>GET on engine <paramref name="first"/>, else the other one.</summary>
    public async Task<Reply> GetAsync(string path, int first)
    {
        Reply? last = null;
        for (var k = 0; k < fleet.Engines.Count; k++)
        {
            last = await SendAsync(HttpMethod.Get, path, null, (first + k) % fleet.Engines.Count);
            if (last.Delivery == Delivery.Answered && last.Status < 500)
            {
                return last;
            }
        }
        return last!;
    }

    private async Task<Reply> SendAsync(HttpMethod method, string path, string? json, int engine)
    {
        var sentAt = DateTime.UtcNow;
        try
        {
            using var request = new HttpRequestMessage(method, new Uri($"http://127.0.0.1:{fleet.Engines[engine].Port}{path}"));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }
            using var response = await _http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return new Reply(Delivery.Answered, (int)response.StatusCode, body, sentAt, DateTime.UtcNow, engine);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return new Reply(Delivery.NotSent, 0, e.Message, sentAt, DateTime.UtcNow, engine);
        }
        // a SocketException can escape HttpClient unwrapped when the engine dies as the connection opens (the socket's
        // RemoteEndPoint throws "not connected"): the request's fate is unknown, as for any broken connection
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or SocketException)
        {
            return new Reply(Delivery.Unknown, 0, e.Message, sentAt, DateTime.UtcNow, engine);
        }
    }

    public static bool IsSuccess(Reply r, HttpStatusCode code) => r.Delivery == Delivery.Answered && r.Status == (int)code;

    public void Dispose() => _http.Dispose();
}
