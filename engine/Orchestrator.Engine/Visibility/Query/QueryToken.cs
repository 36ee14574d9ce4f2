namespace Orchestrator.Engine.Visibility.Query;

internal enum TokenKind
{
    Identifier,
    String,
    Number,
    Operator,
    LeftParen,
    RightParen,
    Comma,
    End,
}

/// <summary>A token of the query text; <see cref="Text"/> is a string literal's value (unescaped) or the token as written.</summary>
internal readonly record struct QueryToken(TokenKind Kind, string Text, int Position)
{
    /// <summary>Whether this is the keyword <paramref name="keyword"/> (case-insensitive; keywords are identifiers).</summary>
    public bool Is(string keyword) => Kind == TokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the query",
        TokenKind.String => $"the string '{Shorten(Text)}'",
        _ => $"'{Shorten(Text)}'",
    };

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
