using System.Text;

namespace Orchestrator.Engine.Visibility.Query;

/// <summary>Splits a list query into tokens: identifiers (fields and keywords), quoted strings, numbers, operators, parentheses, commas.</summary>
internal static class QueryLexer
{
    /// <summary>Longest query text accepted.</summary>
    public const int MaxLength = 8192;

    public static List<QueryToken> Tokenize(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new QueryException(MaxLength, $"The query is longer than {MaxLength} characters.");
        }
        var tokens = new List<QueryToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var start = i;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }
                tokens.Add(new QueryToken(TokenKind.Identifier, text[start..i], start));
            }
            else if (c is '\'' or '"')
            {
                tokens.Add(new QueryToken(TokenKind.String, ReadString(text, ref i), start));
            }
            else if (char.IsAsciiDigit(c) || (c is '-' or '+' && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '.')) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(new QueryToken(TokenKind.Number, ReadNumber(text, ref i), start));
            }
            else if (c == '(')
            {
                tokens.Add(new QueryToken(TokenKind.LeftParen, "(", i++));
            }
            else if (c == ')')
            {
                tokens.Add(new QueryToken(TokenKind.RightParen, ")", i++));
            }
            else if (c == ',')
            {
                tokens.Add(new QueryToken(TokenKind.Comma, ",", i++));
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : null;
                if (two is "!=" or ">=" or "<=" or "<>")
                {
                    tokens.Add(new QueryToken(TokenKind.Operator, two == "<>" ? "!=" : two, i));
                    i += 2;
                }
                else if (c == '!')
                {
                    throw new QueryException(i, "'!' must be followed by '='.", "'!='");
                }
                else
                {
                    tokens.Add(new QueryToken(TokenKind.Operator, c.ToString(), i++));
                }
            }
            else
            {
                throw new QueryException(i, $"Unexpected character '{(char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString())}'.",
                    "a field, a value, an operator, '(', ')' or ','");
            }
        }
        tokens.Add(new QueryToken(TokenKind.End, "", text.Length));
        return tokens;
    }

    /// <summary>A string in single or double quotes; the quote doubled inside stands for itself (<c>'it''s'</c>).</summary>
    private static string ReadString(string text, ref int i)
    {
        var quote = text[i];
        var start = i++;
        var value = new StringBuilder();
        while (true)
        {
            if (i >= text.Length)
            {
                throw new QueryException(start, $"The string that starts here has no closing {quote}.", $"a closing {quote}");
            }
            var c = text[i++];
            if (c == quote)
            {
                if (i < text.Length && text[i] == quote)
                {
                    value.Append(quote);
                    i++;
                    continue;
                }
                return value.ToString();
            }
            value.Append(c);
        }
    }

    private static string ReadNumber(string text, ref int i)
    {
        var start = i;
        if (text[i] is '-' or '+')
        {
            i++;
        }
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '-' or '+')
            {
                i++;
            }
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }
        if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
        {
            throw new QueryException(i, $"'{text[start..(i + 1)]}' is not a number.", "a number, or a string in quotes");
        }
        return text[start..i];
    }
}
