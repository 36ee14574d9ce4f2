using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Dapper;

namespace Orchestrator.Engine.Persistence;

/// <summary>
/// Statements of several runs sent in one round trip (group commit): each run's statements are a part whose parameter
/// names get the part's suffix (<c>@RunId</c> becomes <c>@RunId_2</c>), so the parts cannot see each other's values. Part 0
/// keeps the names as written, so a batch of one run sends exactly the statements a single run change sends.
/// </summary>
internal sealed partial class StatementBatch
{
    private readonly List<string> _statements = [];

    public DynamicParameters Args { get; } = new();

    public int Parts { get; private set; }

    public bool IsEmpty => _statements.Count == 0;

    public string Sql => string.Join(";\n", _statements);

    /// <summary>Opens the next part (one run's statements and values).</summary>
    public Part Next() => new(this, Parts++);

    /// <summary>One run's statements in a <see cref="StatementBatch"/>.</summary>
    public readonly struct Part(StatementBatch batch, int index)
    {
        /// <summary>Adds a statement (constant text from <see cref="SqlStatements"/>; its parameters are renamed for this part).</summary>
        public Part Sql(string statement)
        {
            batch._statements.Add(Rename(statement, index));
            return this;
        }

        public Part Arg(string name, object? value)
        {
            batch.Args.Add(index == 0 ? name : $"{name}_{index}", value);
            return this;
        }

        /// <summary>A value whose type PostgreSQL cannot infer when it is null (e.g. in <c>@x IS NULL</c>).</summary>
        public Part Arg(string name, object? value, System.Data.DbType type)
        {
            batch.Args.Add(index == 0 ? name : $"{name}_{index}", value, type);
            return this;
        }
    }

    private static readonly ConcurrentDictionary<(string Sql, int Index), string> Renamed = new();

    /// <summary>The statement with every <c>@Name</c> renamed to <c>@Name_index</c> (cached; statements are constant text).</summary>
    internal static string Rename(string statement, int index) =>
        index == 0 ? statement : Renamed.GetOrAdd((statement, index), static k => ParameterName().Replace(k.Sql, m => $"{m.Value}_{k.Index}"));

    // A parameter: '@' then a name, not preceded by a name character or another '@' (no operator of our statements uses '@').
    [GeneratedRegex(@"(?<![\w@])@[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ParameterName();
}
