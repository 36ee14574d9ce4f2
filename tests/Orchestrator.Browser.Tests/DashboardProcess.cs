using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orchestrator.Browser.Tests;

/// <summary>The dashboard as its own process (<c>dotnet Orchestrator.Dashboard.dll --urls ...</c>) from build output, in Production.</summary>
internal sealed class DashboardProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private DashboardProcess(Process process, string url)
    {
        this.process = process;
        Url = url;
    }

    public string Url { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<DashboardProcess> StartAsync(string engineUrl, string? apiKey, TimeSpan timeout)
    {
        var dll = EngineUnderTest.BuildOutput("DashboardDll");
        var url = $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--urls", url })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Orchestrator__EngineUrl"] = engineUrl;
        info.Environment["Orchestrator__ApiKey"] = apiKey ?? "";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var dashboard = new DashboardProcess(Process.Start(info)!, url);
        dashboard.process.OutputDataReceived += (_, e) => dashboard.Append(e.Data);
        dashboard.process.ErrorDataReceived += (_, e) => dashboard.Append(e.Data);
        dashboard.process.BeginOutputReadLine();
        dashboard.process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (dashboard.process.HasExited)
            {
                throw new InvalidOperationException($"The dashboard exited with {dashboard.process.ExitCode}:\n{dashboard.Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(url + "/_framework/blazor.web.js"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return dashboard;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                await dashboard.DisposeAsync();
                throw new TimeoutException($"The dashboard did not serve {url} within {timeout}:\n{dashboard.Output}");
            }
            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(cts.Token);
        }
        process.Dispose();
    }
}
