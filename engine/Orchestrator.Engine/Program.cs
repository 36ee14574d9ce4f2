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
    // PostgreSQL may be starting or recovering from a crash (57P03, connection refused) as the engine starts, as after a
    // host restart: transient errors are waited out for a minute; a failed migration or anything else stops the engine.
    var waitUntil = DateTime.UtcNow + TimeSpan.FromSeconds(60);
    try
    {
        while (true)
        {
            try
            {
                var applied = await DatabaseMigrator.MigrateAsync(options.Postgres, logger);
                logger.LogInformation("Migrations: {Count} applied ({Names})", applied.Count, string.Join(", ", applied));
                break;
            }
            catch (Npgsql.NpgsqlException e) when (e.IsTransient && DateTime.UtcNow < waitUntil)
            {
                logger.LogWarning("PostgreSQL is not available yet ({Message}); trying again in 1 s", e.Message);
                Npgsql.NpgsqlConnection.ClearAllPools();
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
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
