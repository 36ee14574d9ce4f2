using Microsoft.Extensions.Options;
using Orchestrator.Dashboard.Api;
using Orchestrator.Dashboard.Components;

var builder = WebApplication.CreateBuilder(args);

// http://127.0.0.1:5081 unless --urls / ASPNETCORE_URLS says otherwise.
if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5081");
}

// Serve static web assets (blazor.web.js, app.css) straight from build output in every environment, so that
// `dotnet run --no-build` works without ASPNETCORE_ENVIRONMENT=Development. A no-op after `dotnet publish`.
builder.WebHost.UseStaticWebAssets();

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

var app = builder.Build();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();
