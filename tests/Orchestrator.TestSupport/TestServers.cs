using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Orchestrator.TestSupport;

/// <summary>
/// The PostgreSQL server and RabbitMQ broker the tests use: the ones named by
/// <c>Orchestrator__Postgres</c> / <c>Orchestrator__RabbitMq</c> when set (./test.sh sets them),
/// else containers started once per test process through Testcontainers (needs a Docker engine).
/// The broker URI is the engine's broker user; workers connect with <c>ORCHESTRATOR_WORKER_RABBITMQ</c> (the workers'
/// user, set by scripts/services.sh) or, when that is not set, the same URI.
/// </summary>
public static class TestServers
{
    private static readonly Lazy<Task<string>> Postgres = new(StartPostgresAsync);
    private static readonly Lazy<Task<string>> RabbitMq = new(StartRabbitMqAsync);

    /// <summary>Connection string of the PostgreSQL server (to its default database).</summary>
    public static Task<string> PostgresAsync() => Postgres.Value;

    /// <summary>AMQP URI of the broker, with the engine's user.</summary>
    public static Task<string> RabbitMqAsync() => RabbitMq.Value;

    /// <summary>AMQP URI of the broker, with the workers' user (<c>ORCHESTRATOR_WORKER_RABBITMQ</c>, else <see cref="RabbitMqAsync"/>).</summary>
    public static async Task<string> RabbitMqWorkerAsync()
    {
        var engine = await RabbitMq.Value;
        var given = Environment.GetEnvironmentVariable("ORCHESTRATOR_WORKER_RABBITMQ");
        return string.IsNullOrWhiteSpace(given) || string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("Orchestrator__RabbitMq")) ? engine : given;
    }

    private static async Task<string> StartPostgresAsync()
    {
        var given = Environment.GetEnvironmentVariable("Orchestrator__Postgres");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }
        PostgreSqlContainer container;
        try
        {
            container = new PostgreSqlBuilder("postgres:15-alpine").Build();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                "No PostgreSQL: set Orchestrator__Postgres (./test.sh does) or run a Docker engine for Testcontainers.", e);
        }
        await container.StartAsync();
        return container.GetConnectionString();
    }

    private static async Task<string> StartRabbitMqAsync()
    {
        var given = Environment.GetEnvironmentVariable("Orchestrator__RabbitMq");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }
        RabbitMqContainer container;
        try
        {
            container = new RabbitMqBuilder("rabbitmq:3.13-management-alpine").Build();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                "No RabbitMQ: set Orchestrator__RabbitMq (./test.sh does) or run a Docker engine for Testcontainers.", e);
        }
        await container.StartAsync();
        return container.GetConnectionString();
    }

    /// <summary>Creates an empty database on the test server and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var server = await PostgresAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection); // name is ours, not input
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await PostgresAsync());
        await connection.OpenAsync();
        // a drop waits for a checkpoint and removes the database's files: on a loaded machine it can pass Npgsql's default
        // 30 s command timeout (a CI run failed a passing test in its cleanup that way), so it gets minutes
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection) { CommandTimeout = 300 };
        await drop.ExecuteNonQueryAsync();
    }
}
