using Microsoft.Extensions.Options;
using Orchestrator.Dashboard;
using Orchestrator.Dashboard.Api;
using Orchestrator.Dashboard.Components;
using Orchestrator.Dashboard.History;
using Orchestrator.Dashboard.Security;

if (args is [HashPasswordCommand.Name, ..])
{
    return HashPasswordCommand.Run(Console.In, Console.Out, Console.Error, interactive: !Console.IsInputRedirected);
}

var builder = WebApplication.CreateBuilder(args);

// http://127.0.0.1:5081 unless --urls / ASPNETCORE_URLS says otherwise.
if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5081");
}

// Serve static web assets (blazor.web.js, app.css) straight from build output in every environment, so that
// `dotnet run --no-build` works without ASPNETCORE_ENVIRONMENT=Development. A no-op after `dotnet publish`.
builder.WebHost.UseStaticWebAssets();

// Who may sign in, and what each role may do. Without any way to sign in the dashboard does not start.
var problems = builder.AddDashboardSecurity();
if (problems.Count > 0)
{
    Console.Error.WriteLine("The dashboard cannot start:");
    foreach (var problem in problems)
    {
        Console.Error.WriteLine("- " + problem);
    }
    return 2;
}

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.Configure<EngineOptions>(builder.Configuration.GetSection(EngineOptions.SectionName));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHttpClient<EngineApiClient>((services, http) =>
{
    var options = services.GetRequiredService<IOptions<EngineOptions>>().Value;
    http.BaseAddress = new Uri(options.EngineUrl.TrimEnd('/') + "/");
    http.Timeout = TimeSpan.FromSeconds(15);
    if (!string.IsNullOrEmpty(options.ApiKey))
    {
        http.DefaultRequestHeaders.Add("X-Api-Key", options.ApiKey);
    }
});
builder.Services.AddScoped<WorkflowActions>();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets().AllowAnonymous();
app.MapAccountEndpoints();
app.MapHistoryDownload();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
if (app.Services.GetRequiredService<IOptions<DashboardSecurityOptions>>().Value.AllowAnonymous)
{
    Log.AnonymousAccess(app.Logger);
}
app.Run();
return 0;
