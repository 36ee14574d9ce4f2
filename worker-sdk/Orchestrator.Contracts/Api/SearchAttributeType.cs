using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Api;

/// <summary>The type of a registered search attribute (JSON: the name, e.g. <c>"Keyword"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SearchAttributeType>))]
public enum SearchAttributeType
{
    /// <summary>A string compared as a whole (ids, states, names); at most 2,048 characters.</summary>
    Keyword,

    /// <summary>A longer string (at most 2,048 characters) for equality and prefix matches; not tokenized.</summary>
    Text,

    /// <summary>A 64-bit integer.</summary>
    Int,

    /// <summary>A finite floating-point number.</summary>
    Double,

    /// <summary>True or false.</summary>
    Bool,

    /// <summary>A point in time (ISO 8601; stored in UTC).</summary>
    Datetime,

    /// <summary>A list of keywords; <c>=</c> matches a run whose list contains the value.</summary>
    KeywordList,
}
