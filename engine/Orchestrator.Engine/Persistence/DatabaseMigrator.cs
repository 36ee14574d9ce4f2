using System.Reflection;
using DbUp;
using DbUp.Engine;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>
/// Applies the numbered SQL files of <c>migrations/</c> (embedded in this assembly) with DbUp.
/// All pending scripts run in one transaction: a failing script leaves the schema as it was.
/// An advisory lock keeps two engines starting at once from migrating twice.
/// </summary>
internal static class DatabaseMigrator
{
    private const long AdvisoryLockKey = 0x4F52_4348_4D49_4752; // "ORCHMIGR"

    public static IReadOnlyList<SqlScript> EmbeddedScripts()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new SqlScript(ScriptName(name), ReadResource(assembly, name)))
            .ToList();
    }

    /// <summary>Applies the pending scripts; returns the names of those applied.</summary>
    /// <exception cref="MigrationFailedException">a script failed; nothing of this call was kept.</exception>
    public static async Task<IReadOnlyList<string>> MigrateAsync(
        string connectionString, ILogger logger, IEnumerable<SqlScript>? scripts = null, CancellationToken cancellationToken = default)
    {
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand(SqlStatements.TakeMigrationLock, lockConnection))
        {
            take.Parameters.AddWithValue(AdvisoryLockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScripts(scripts ?? EmbeddedScripts())
                .WithTransaction()
                .LogTo(logger)
                .Build();

            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new MigrationFailedException(
                    $"Migration '{result.ErrorScript?.Name ?? "?"}' failed: {result.Error?.Message}. " +
                    "No migration of this run was applied; the schema is as it was.", result.Error);
            }
            return result.Scripts.Select(s => s.Name).ToList();
        }
        finally
        {
            await using var release = new NpgsqlCommand(SqlStatements.ReleaseMigrationLock, lockConnection);
            release.Parameters.AddWithValue(AdvisoryLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    // "Orchestrator.Engine.Migrations.0001_history_store.sql" -> "0001_history_store.sql"
    private static string ScriptName(string resourceName)
    {
        var withoutExtension = resourceName[..^".sql".Length];
        return withoutExtension[(withoutExtension.LastIndexOf('.') + 1)..] + ".sql";
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>A migration failed; the schema is unchanged.</summary>
internal sealed class MigrationFailedException(string message, Exception? inner) : Exception(message, inner);
