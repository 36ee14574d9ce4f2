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

    /// <summary>
    /// Starts the dashboard on a free port with <paramref name="settings"/> as environment variables (e.g. its users:
    /// <c>Orchestrator__Dashboard__Users__&lt;name&gt;__PasswordHash</c>) and waits until it serves its static files.
    /// </summary>
    public static async Task<DashboardProcess> StartAsync(string engineUrl, string? apiKey, TimeSpan timeout, IReadOnlyDictionary<string, string> settings)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var dashboard = new DashboardProcess(Launch(engineUrl, apiKey, settings, url), url);
        dashboard.Start();

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

    /// <summary>Starts the dashboard and waits for it to exit (it should refuse to start): its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string engineUrl, IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        var dashboard = new DashboardProcess(Launch(engineUrl, null, settings, $"http://127.0.0.1:{FreePort()}"), "");
        dashboard.Start();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await dashboard.process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await dashboard.DisposeAsync();
            throw new TimeoutException($"The dashboard was still running after {timeout}:\n{dashboard.Output}");
        }
        dashboard.process.WaitForExit(); // the rest of the redirected output
        var exitCode = dashboard.process.ExitCode;
        await dashboard.DisposeAsync();
        return (exitCode, dashboard.Output);
    }

    /// <summary><c>Orchestrator.Dashboard.dll hash-password</c> with <paramref name="password"/> on standard input: the hash it prints.</summary>
    public static async Task<string> HashPasswordAsync(string password)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(EngineUnderTest.BuildOutput("DashboardDll"));
        info.ArgumentList.Add("hash-password");
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteLineAsync(password);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode == 0
            ? (await output).Trim()
            : throw new InvalidOperationException($"hash-password exited with {process.ExitCode}: {await errors}");
    }

    private static Process Launch(string engineUrl, string? apiKey, IReadOnlyDictionary<string, string> settings, string url)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { EngineUnderTest.BuildOutput("DashboardDll"), "--urls", url })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Orchestrator__EngineUrl"] = engineUrl;
        info.Environment["Orchestrator__ApiKey"] = apiKey ?? "";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info };
        return process;
    }

    private void Start()
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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
