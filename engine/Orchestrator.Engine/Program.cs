using Orchestrator.Engine;
using Orchestrator.Engine.Persistence;

// `Orchestrator.Engine migrate` applies the migrations and exits; without it the engine migrates, then serves.
var migrateOnly = args.Contains("migrate");
args = args.Where(a => a != "migrate").ToArray();
var configuration = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables().AddCommandLine(args).Build();

EngineOptions options;
try
{
    options = EngineOptions.From(configuration);
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
if (migrateOnly)
{
    return 0;
}

var app = EngineHost.Build(args, options);
await app.RunAsync();
return 0;
