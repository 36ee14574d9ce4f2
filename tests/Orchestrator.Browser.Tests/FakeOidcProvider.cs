using System.Net;
using System.Text;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// Just enough of an OpenID Connect provider for the dashboard to start a sign-in: the discovery document and an empty
/// key set over plain HTTP (no login, no tokens). Records the paths asked for.
/// </summary>
internal sealed class FakeOidcProvider : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task serving;

    public FakeOidcProvider()
    {
        Authority = $"http://127.0.0.1:{DashboardProcess.FreePort()}";
        listener.Prefixes.Add(Authority + "/");
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public string Authority { get; }

    public List<string> Requests { get; } = [];

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            lock (Requests)
            {
                Requests.Add(path);
            }
            var body = path switch
            {
                "/.well-known/openid-configuration" => $$"""
                    {"issuer":"{{Authority}}","authorization_endpoint":"{{Authority}}/authorize","token_endpoint":"{{Authority}}/token",
                     "userinfo_endpoint":"{{Authority}}/userinfo","jwks_uri":"{{Authority}}/jwks","end_session_endpoint":"{{Authority}}/logout",
                     "response_types_supported":["code"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}
                    """,
                "/jwks" => """{"keys":[]}""",
                _ => null,
            };
            context.Response.StatusCode = body is null ? 404 : 200;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body ?? "{}");
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        serving.Wait(TimeSpan.FromSeconds(5));
    }
}
