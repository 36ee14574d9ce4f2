namespace Orchestrator.Analyzers.Tests;

/// <summary>
/// One case per API a determinism rule covers: the rule, the API as its message names it, members the code needs in its
/// class (static members only, so that they fit a static helper too), statements with the use marked <c>{|#0:...|}</c>,
/// and for ORCH0010 the key type the message names.
/// </summary>
public sealed record DeterminismCase(string Id, string What, string Members, string Statements, string? KeyType = null)
{
    public override string ToString() => $"{Id} {What}";

    public static TheoryData<DeterminismCase> All { get; } = new(
    [
        new("ORCH0001", "DateTime.UtcNow", "", "var now = {|#0:DateTime.UtcNow|};"),
        new("ORCH0001", "DateTime.Now", "", "var now = {|#0:DateTime.Now|};"),
        new("ORCH0001", "DateTime.Today", "", "var today = {|#0:DateTime.Today|};"),
        new("ORCH0001", "DateTimeOffset.Now", "", "var now = {|#0:DateTimeOffset.Now|};"),
        new("ORCH0001", "DateTimeOffset.UtcNow", "", "var now = {|#0:DateTimeOffset.UtcNow|};"),
        new("ORCH0001", "Stopwatch.StartNew", "", "var watch = {|#0:Stopwatch.StartNew()|};"),
        new("ORCH0001", "new Stopwatch", "", "var watch = {|#0:new Stopwatch()|};"),
        new("ORCH0001", "Environment.TickCount64", "", "var ticks = {|#0:Environment.TickCount64|};"),
        new("ORCH0002", "Guid.NewGuid()", "", "var id = {|#0:Guid.NewGuid()|};"),
        new("ORCH0002", "Guid.CreateVersion7", "", "var id = {|#0:Guid.CreateVersion7()|};"),
        new("ORCH0003", "new Random()", "", "var random = {|#0:new Random()|};"),
        new("ORCH0003", "Random.Shared", "", "var n = {|#0:Random.Shared|}.Next();"),
        new("ORCH0003", "RandomNumberGenerator.GetInt32", "", "var n = {|#0:RandomNumberGenerator.GetInt32(10)|};"),
        new("ORCH0004", "Task.Delay", "", "await {|#0:Task.Delay(TimeSpan.FromSeconds(1))|};"),
        new("ORCH0004", "Thread.Sleep", "", "{|#0:Thread.Sleep(1)|};"),
        new("ORCH0004", "new Timer", "", "using var timer = {|#0:new Timer(_ => { }, null, 1, 1)|};"),
        new("ORCH0004", "new PeriodicTimer", "", "using var timer = {|#0:new PeriodicTimer(TimeSpan.FromSeconds(1))|};"),
        new("ORCH0004", "new CancellationTokenSource(delay)", "", "using var cts = {|#0:new CancellationTokenSource(TimeSpan.FromSeconds(1))|};"),
        new("ORCH0004", "CancellationTokenSource.CancelAfter", "", "using var cts = new CancellationTokenSource(); {|#0:cts.CancelAfter(1)|};"),
        new("ORCH0005", "Task.Run", "", "var n = await {|#0:Task.Run(() => 1)|};"),
        new("ORCH0005", "TaskFactory.StartNew", "", "var n = await {|#0:Task.Factory.StartNew(() => 1)|};"),
        new("ORCH0005", "new Thread", "", "var thread = {|#0:new Thread(() => { })|};"),
        new("ORCH0005", "ThreadPool.QueueUserWorkItem", "", "{|#0:ThreadPool.QueueUserWorkItem(_ => { })|};"),
        new("ORCH0005", "Parallel.For", "", "{|#0:Parallel.For(0, 2, _ => { })|};"),
        new("ORCH0006", "ConfigureAwait(false)", "", "await {|#0:Task.CompletedTask.ConfigureAwait(false)|};"),
        new("ORCH0006", "ConfigureAwait(false)", "", "await {|#0:Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.None)|};"),
        new("ORCH0007", "File.ReadAllTextAsync", "", "var text = await {|#0:File.ReadAllTextAsync(\"a.txt\")|};"),
        new("ORCH0007", "Directory.Exists", "", "var exists = {|#0:Directory.Exists(\"a\")|};"),
        new("ORCH0007", "new HttpClient", "", "using var http = {|#0:new HttpClient()|};"),
        new("ORCH0007", "new Socket", "", "using var socket = {|#0:new Socket(SocketType.Stream, ProtocolType.Tcp)|};"),
        new("ORCH0007", "DbConnection.OpenAsync", "static readonly DbConnection? Connection;", "var c = Connection!; await {|#0:c.OpenAsync()|};"),
        new("ORCH0008", "Environment.GetEnvironmentVariable", "", "var home = {|#0:Environment.GetEnvironmentVariable(\"HOME\")|};"),
        new("ORCH0009", "{0}._counter", "static int _counter;", "{|#0:_counter|}++;"),
        new("ORCH0009", "{0}.Count", "static int Count { get; set; }", "var n = {|#0:Count|};"),
        new("ORCH0010", "set", "", "var set = new HashSet<string> { \"a\" }; foreach (var s in {|#0:set|}) { }", "string"),
        new("ORCH0010", "map.Keys", "", "var map = new Dictionary<object, int>(); foreach (var k in {|#0:map.Keys|}) { }", "object"),
        new("ORCH0010", "map", "sealed record Key(int Id);", "var map = new Dictionary<Key, int>(); foreach (var pair in {|#0:map|}) { }", "Key"),
    ]);

    /// <summary>Workflow code that the rules must leave alone.</summary>
    public static TheoryData<string> Deterministic { get; } = new(
    [
        "var now = context.UtcNow; var id = context.NewGuid(); var n = context.Random.Next(); await context.DelayAsync(TimeSpan.FromDays(30));",
        "var random = new Random(42); var n = random.Next(); var epoch = DateTime.UnixEpoch; var max = DateTime.MaxValue;",
        "await Task.CompletedTask.ConfigureAwait(true); await Task.WhenAll(context.DelayAsync(TimeSpan.FromSeconds(1)), context.DelayAsync(TimeSpan.FromSeconds(2)));",
        "var set = new HashSet<int> { 1 }; foreach (var i in set) { } var byId = new Dictionary<Guid, string>(); foreach (var pair in byId) { }",
        "var names = new HashSet<string> { \"a\" }; foreach (var s in names.Order(StringComparer.Ordinal)) { } foreach (var s in new SortedSet<string>(names, StringComparer.Ordinal)) { }",
        "var list = new List<string> { \"a\" }; foreach (var s in list) { } var span = TimeSpan.FromMinutes(5); var text = Path.Combine(\"a\", \"b\");",
    ]);
}
