using Orchestrator.Engine;
using Orchestrator.Engine.Persistence;

var builder = WebApplication.CreateBuilder(args.Where(a => a != "migrate").ToArray());
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

EngineOptions options;
try
{
    options = EngineOptions.From(builder.Configuration);
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

using (var loggerFactory = LoggerFactory.Create(l => l.AddSimpleConsole(c => c.SingleLine = true)))
{
    var logger = loggerFactory.CreateLogger("Orchestrator.Migrations");
    try
    {
        var applied = await DatabaseMigrator.MigrateAsync(options.Postgres, logger);
        logger.LogInformation("Migrations: {Count} applied ({Names})", applied.Count, string.Join(", ", applied));
    }
    catch (Exception e) when (e is MigrationFailedException or Npgsql.NpgsqlException)
    {
        await Console.Error.WriteLineAsync($"Orchestrator cannot start: {e.Message}");
        return 3;
    }
}
if (args.Contains("migrate"))
{
    return 0;
}

var app = builder.Build();
app.MapGet("/health/ready", () => Results.Ok());
await app.RunAsync();
return 0;
