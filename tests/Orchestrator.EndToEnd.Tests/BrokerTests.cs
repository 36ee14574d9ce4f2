using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine;
using Orchestrator.Engine.Persistence;
using Orchestrator.Sdk;
using Orchestrator.TestSupport;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Broker users and queue types (docs/operations.md). Each test makes its own broker users with rabbitmqctl
/// (<c>ORCHESTRATOR_TEST_RABBITMQCTL</c>) and the permissions of scripts/broker-permissions.tsv, the file scripts/services.sh
/// gives its users, so they prove the shipped regexes on any broker the tests run against; engine and worker run in this
/// process, each on its own user.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BrokerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task WorkerUser_IsRefusedTheEngineQueue_AndTheTaskInboxes_ButMayAnswer()
    {
        await using var users = await BrokerUsers.CreateAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var engineQueue = "orchestrator-engine-perm-" + suffix;
        var taskQueue = QueueNames.WorkflowTasks("perm-" + suffix);
        await using (var engine = await users.ConnectAsync(users.Engine))
        {
            await DeclareAsync(engine, engineQueue, QueueNames.Inbox(engineQueue), ownExchange: true);
            await DeclareAsync(engine, taskQueue, QueueNames.Inbox(taskQueue));
        }
        await using var worker = await users.ConnectAsync(users.Worker);

        await AssertRefusedAsync(worker, c => c.BasicConsumeAsync(engineQueue, autoAck: true, new AsyncEventingBasicConsumer(c)));
        await AssertRefusedAsync(worker, c => c.BasicGetAsync(engineQueue, autoAck: true));
        await AssertRefusedAsync(worker, c => c.QueueDeleteAsync(engineQueue));
        await AssertRefusedAsync(worker, c => c.QueuePurgeAsync(engineQueue));
        await AssertRefusedAsync(worker, c => PublishAsync(c, QueueNames.Inbox(taskQueue))); // forging a workflow task
        await AssertRefusedAsync(worker, c => PublishAsync(c, engineQueue)); // the queue's own exchange: only the engine's

        await using (var channel = await ConfirmChannelAsync(worker))
        {
            await PublishAsync(channel, QueueNames.Inbox(engineQueue)); // an answer: allowed
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task EngineUser_IsRefusedConsumingTheTaskQueues_ButMayDispatch()
    {
        await using var users = await BrokerUsers.CreateAsync();
        var taskQueue = QueueNames.ActivityTasks("perm-" + Guid.NewGuid().ToString("N")[..8]);
        await using var engine = await users.ConnectAsync(users.Engine);
        await DeclareAsync(engine, taskQueue, QueueNames.Inbox(taskQueue));

        await AssertRefusedAsync(engine, c => c.BasicConsumeAsync(taskQueue, autoAck: true, new AsyncEventingBasicConsumer(c)));
        await AssertRefusedAsync(engine, c => c.BasicGetAsync(taskQueue, autoAck: true));

        await using var channel = await ConfirmChannelAsync(engine);
        await PublishAsync(channel, QueueNames.Inbox(taskQueue));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TaskForATaskQueueNoWorkerStartedOn_WaitsInAQuorumQueue_AndCompletesOnceAWorkerStarts_EachSideOnItsOwnUser()
    {
        await using var users = await BrokerUsers.CreateAsync();
        await using var node = await InProcess.StartEngineAsync(users.UriOf(users.Engine), "quorum");
        var id = await node.StartAsync("BrokerWorkflow", "late");
        var queue = QueueNames.WorkflowTasks(node.TaskQueue);
        var deadline = DateTime.UtcNow + Timeout;
        while (await QueueAsync(users, queue) is not { Messages: >= 1 })
        {
            Assert.True(DateTime.UtcNow < deadline, $"the first workflow task never reached {queue}");
            await Task.Delay(200);
        }

        await node.StartWorkerAsync(users.UriOf(users.Worker), "quorum");

        Assert.Equal("late!", await node.ResultAsync(id));
        Assert.Equal("quorum", (await QueueAsync(users, queue))!.Type);
        Assert.Equal("quorum", (await QueueAsync(users, QueueNames.ActivityTasks(node.TaskQueue)))!.Type);
        Assert.Equal("quorum", (await QueueAsync(users, node.EngineQueue))!.Type);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task EngineQueueWithoutConsumerForThreeChecks_RestartsTheEngineBus_AndWorkflowsStillComplete_OnTheEnginesOwnUser()
    {
        // what the broker answers while the engine's consumer is lost (a broker restart MassTransit missed, as the worker's
        // in CrashTests.RabbitMqStoppedForTenSecondsMidRun): no consumer on the engine queue, three checks in a row
        await using var users = await BrokerUsers.CreateAsync();
        await using var node = await InProcess.StartEngineAsync(users.UriOf(users.Engine), "quorum", "--Orchestrator:Engine:ConsumerCheckInterval=00:00:00.200");
        var restarts = node.Engine.Services.GetRequiredService<Orchestrator.Engine.Broker.EngineConsumerWatchdog>();
        var watchdog = restarts.Watchdog!;
        var real = watchdog.CountConsumersAsync;
        var deadline = DateTime.UtcNow + Timeout;
        while (await real(node.EngineQueue, CancellationToken.None) != 1) // the engine's user may ask (a passive declare)
        {
            Assert.True(DateTime.UtcNow < deadline, "the engine queue never had its consumer");
            await Task.Delay(100);
        }
        var lies = 0;
        watchdog.CountConsumersAsync = (queue, ct) => Interlocked.Increment(ref lies) <= Orchestrator.Messaging.ConsumerWatchdog.Strikes
            ? Task.FromResult<uint?>(0)
            : real(queue, ct);

        while (restarts.BusRestarts < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the engine bus was not restarted");
            await Task.Delay(100);
        }
        while (await real(node.EngineQueue, CancellationToken.None) != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the restarted bus does not consume the engine queue");
            await Task.Delay(100);
        }

        await node.StartWorkerAsync(users.UriOf(users.Worker), "quorum");
        Assert.Equal("after!", await node.ResultAsync(await node.StartAsync("BrokerWorkflow", "after")));
        Assert.Equal(1, restarts.BusRestarts);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task QueueTypeClassic_DeclaresClassicQueues_AndAWorkflowCompletes()
    {
        await using var users = await BrokerUsers.CreateAsync();
        await using var node = await InProcess.StartEngineAsync(users.UriOf(users.Engine), "classic");
        await node.StartWorkerAsync(users.UriOf(users.Worker), "classic");

        Assert.Equal("classic!", await node.ResultAsync(await node.StartAsync("BrokerWorkflow", "classic")));
        Assert.Equal("classic", (await QueueAsync(users, QueueNames.WorkflowTasks(node.TaskQueue)))!.Type);
        Assert.Equal("classic", (await QueueAsync(users, QueueNames.ActivityTasks(node.TaskQueue)))!.Type);
        Assert.Equal("classic", (await QueueAsync(users, node.EngineQueue))!.Type);
    }

    [Fact]
    public void ComposeDefinitions_GiveTheUsersThePermissionsOfTheSharedFile()
    {
        using var definitions = JsonDocument.Parse(File.ReadAllText(Path.Combine(BrokerUsers.Repo, "compose", "rabbitmq", "definitions.json")));
        var permissions = definitions.RootElement.GetProperty("permissions").EnumerateArray()
            .ToDictionary(p => p.GetProperty("user").GetString()!, p => (p.GetProperty("configure").GetString(), p.GetProperty("write").GetString(), p.GetProperty("read").GetString()));
        foreach (var (user, expected) in BrokerUsers.Permissions())
        {
            Assert.Equal(expected, permissions[user]);
        }
        Assert.DoesNotContain(definitions.RootElement.GetProperty("users").EnumerateArray(), u => u.GetProperty("name").GetString() == "guest");
    }

    /// <summary>Declares <paramref name="queue"/> and binds it to <paramref name="inbox"/> (and, when <paramref name="ownExchange"/>, to its own exchange, as its consumer's MassTransit endpoint does), as the engine does.</summary>
    private static async Task DeclareAsync(IConnection connection, string queue, string inbox, bool ownExchange = false)
    {
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await channel.ExchangeDeclareAsync(inbox, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueBindAsync(queue, inbox, "");
        if (ownExchange)
        {
            await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue, queue, "");
        }
    }

    private static Task<IChannel> ConfirmChannelAsync(IConnection connection) =>
        connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

    private static async Task PublishAsync(IChannel channel, string exchange) =>
        await channel.BasicPublishAsync(exchange, "", mandatory: false, new BasicProperties(), "{}"u8.ToArray());

    /// <summary>Runs <paramref name="operation"/> on a fresh channel (a confirming one, so a refused publish surfaces) and expects ACCESS_REFUSED.</summary>
    private static async Task AssertRefusedAsync(IConnection connection, Func<IChannel, Task> operation)
    {
        await using var channel = await ConfirmChannelAsync(connection);
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await operation(channel);
            await channel.QueueDeclarePassiveAsync("amq.never-" + Guid.NewGuid().ToString("N")).ContinueWith(_ => { }, TaskScheduler.Default);
            if (channel.CloseReason is { } reason)
            {
                throw new OperationInterruptedException(reason);
            }
        });
        var code = refused switch
        {
            OperationInterruptedException o => o.ShutdownReason?.ReplyCode,
            PublishException => (ushort?)(channel.CloseReason?.ReplyCode),
            _ => channel.CloseReason?.ReplyCode,
        };
        Assert.True(code == 403, $"expected ACCESS_REFUSED (403), got {code}: {refused.GetType().Name}: {refused.Message}");
    }

    private sealed record QueueInfo(string Type, int Messages);

    private static async Task<QueueInfo?> QueueAsync(BrokerUsers users, string queue)
    {
        var output = await users.RabbitMqCtlAsync("list_queues -q name type messages");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length == 3 && p[0] == queue)
            .Select(p => new QueueInfo(p[1], int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture)))
            .FirstOrDefault();
    }

    /// <summary>An engine and (later) a worker in this process, on their own users, queue type and engine queue.</summary>
    private sealed class InProcess : IAsyncDisposable
    {
        private readonly string _postgres;
        private readonly WebApplication _engine;
        private readonly int _port;
        private IHost? _worker;

        private InProcess(string postgres, WebApplication engine, int port, string engineQueue)
        {
            _postgres = postgres;
            _engine = engine;
            _port = port;
            EngineQueue = engineQueue;
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(100) };
        }

        public string EngineQueue { get; }

        public string TaskQueue { get; } = "broker-" + Guid.NewGuid().ToString("N")[..8];

        public HttpClient Http { get; }

        public WebApplication Engine => _engine;

        public static async Task<InProcess> StartEngineAsync(string rabbitMq, string queueType, params string[] args)
        {
            var postgres = await TestServers.CreateDatabaseAsync("broker");
            await DatabaseMigrator.MigrateAsync(postgres, NullLogger.Instance);
            var port = FreePort();
            var engineQueue = "orchestrator-engine-broker-" + Guid.NewGuid().ToString("N")[..8];
            var engine = EngineHost.Build(["--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning", .. args],
                new EngineOptions { Postgres = postgres, RabbitMq = rabbitMq, EngineQueue = engineQueue, QueueType = queueType });
            await engine.StartAsync();
            return new InProcess(postgres, engine, port, engineQueue);
        }

        public async Task StartWorkerAsync(string rabbitMq, string queueType)
        {
            var builder = Host.CreateApplicationBuilder(["--Logging:LogLevel:Default=Warning"]);
            builder.Configuration["Orchestrator:RabbitMq"] = rabbitMq;
            builder.Configuration["Orchestrator:QueueType"] = queueType;
            builder.Configuration["Orchestrator:EngineUrl"] = $"http://127.0.0.1:{_port}";
            builder.Configuration["Orchestrator:TaskQueue"] = TaskQueue;
            builder.Configuration["Orchestrator:Worker:EngineQueue"] = EngineQueue;
            builder.Services.AddOrchestratorWorker(builder.Configuration, w => w.AddWorkflow<BrokerWorkflow>().AddActivities<BrokerActivities>());
            _worker = builder.Build();
            using var cts = new CancellationTokenSource(Timeout);
            await _worker.StartAsync(cts.Token);
        }

        public async Task<string> StartAsync(string workflowType, string input)
        {
            var id = "broker-" + Guid.NewGuid().ToString("N")[..8];
            using var response = await Http.PostAsJsonAsync("/api/v1/workflows", new { workflowType, workflowId = id, taskQueue = TaskQueue, input });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return id;
        }

        public async Task<string?> ResultAsync(string id)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                using var response = await Http.GetAsync($"/api/v1/workflows/{id}/result?waitSeconds=20");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    Assert.Equal("Completed", json.RootElement.GetProperty("status").GetString());
                    return json.RootElement.GetProperty("result").GetString();
                }
                Assert.True(DateTime.UtcNow < deadline, $"{id} did not close within {Timeout}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_worker is not null)
            {
                await _worker.StopAsync();
                _worker.Dispose();
            }
            await _engine.StopAsync();
            await _engine.DisposeAsync();
            Http.Dispose();
            await TestServers.DropDatabaseAsync(_postgres);
        }

        private static int FreePort()
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }
    }
}

/// <summary>Two broker users made for one test, with the permissions of scripts/broker-permissions.tsv; deleted after it.</summary>
internal sealed class BrokerUsers : IAsyncDisposable
{
    private readonly string _rabbitmqctl;
    private readonly Uri _broker;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    private BrokerUsers(string rabbitmqctl, Uri broker)
    {
        _rabbitmqctl = rabbitmqctl;
        _broker = broker;
    }

    public string Password { get; } = Guid.NewGuid().ToString("N");

    public string Engine => "orchestrator-test-engine-" + _suffix;

    public string Worker => "orchestrator-test-worker-" + _suffix;

    public static string Repo { get; } = FindRepo();

    public static async Task<BrokerUsers> CreateAsync()
    {
        var rabbitmqctl = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_RABBITMQCTL");
        Assert.False(string.IsNullOrEmpty(rabbitmqctl),
            "ORCHESTRATOR_TEST_RABBITMQCTL is not set: run through ./test.sh, which starts the broker and says how to control it.");
        var users = new BrokerUsers(rabbitmqctl!, new Uri(await TestServers.RabbitMqAsync()));
        var permissions = Permissions();
        foreach (var (role, user) in new[] { ("orchestrator-engine", users.Engine), ("orchestrator-worker", users.Worker) })
        {
            var (configure, write, read) = permissions[role];
            await users.RabbitMqCtlAsync($"add_user {user} {users.Password}");
            await users.RabbitMqCtlAsync($"set_permissions -p / {user} '{configure}' '{write}' '{read}'");
        }
        return users;
    }

    /// <summary>user → (configure, write, read) from scripts/broker-permissions.tsv.</summary>
    public static Dictionary<string, (string? Configure, string? Write, string? Read)> Permissions() =>
        File.ReadAllLines(Path.Combine(Repo, "scripts", "broker-permissions.tsv"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => ((string?)p[1], (string?)p[2], (string?)p[3]));

    public string UriOf(string user) =>
        new UriBuilder(_broker) { UserName = user, Password = Password }.Uri.ToString();

    public Task<IConnection> ConnectAsync(string user) =>
        new ConnectionFactory { Uri = new Uri(UriOf(user)) }.CreateConnectionAsync();

    /// <summary>Runs the broker's rabbitmqctl with <paramref name="arguments"/> (through bash, for the quoted regexes).</summary>
    public async Task<string> RabbitMqCtlAsync(string arguments)
    {
        var info = new ProcessStartInfo("bash", ["-c", $"\"$0\" {arguments}", _rabbitmqctl]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {arguments} failed: {await error}");
        return await output;
    }

    public async ValueTask DisposeAsync()
    {
        await RabbitMqCtlAsync($"delete_user {Engine}");
        await RabbitMqCtlAsync($"delete_user {Worker}");
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "broker-permissions.tsv")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("scripts/broker-permissions.tsv not found above " + AppContext.BaseDirectory);
    }
}

[Workflow]
public sealed class BrokerWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string input) =>
        await context.ExecuteActivityAsync((BrokerActivities a) => a.ShoutAsync(input));
}

public sealed class BrokerActivities
{
    [Activity]
    public Task<string> ShoutAsync(string value) => Task.FromResult(value + "!");
}
