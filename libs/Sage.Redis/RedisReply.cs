using System.Globalization;
using System.Text;

namespace Sage.Redis;

/// <summary>One RESP2 reply: a simple string, an error, an integer, a bulk string or an array (the last two may be nil).</summary>
public readonly struct RedisReply
{
    private static readonly RedisReply[] EmptyElements = [];

    // string for simple strings and errors, byte[] for bulk strings, RedisReply[] for arrays; null for nil.
    private readonly object? _value;
    private readonly long _integer;

    private RedisReply(RedisReplyKind kind, object? value, long integer)
    {
        Kind = kind;
        _value = value;
        _integer = integer;
    }

    /// <summary>The RESP2 type of the reply.</summary>
    public RedisReplyKind Kind { get; }

    /// <summary>True for a nil bulk string (<c>$-1</c>) or a nil array (<c>*-1</c>).</summary>
    public bool IsNull => _value is null && Kind is RedisReplyKind.BulkString or RedisReplyKind.Array;

    /// <summary>True for an error reply.</summary>
    public bool IsError => Kind == RedisReplyKind.Error;

    /// <summary>The server's error text for an error reply; otherwise null.</summary>
    public string? ErrorMessage => Kind == RedisReplyKind.Error ? (string?)_value : null;

    /// <summary>The elements of an array reply (empty for nil); throws for other kinds.</summary>
    public IReadOnlyList<RedisReply> Elements => Kind == RedisReplyKind.Array
        ? (RedisReply[]?)_value ?? EmptyElements
        : throw new InvalidOperationException($"A {Kind} reply has no elements.");

    /// <summary>Creates a simple-string reply.</summary>
    public static RedisReply SimpleString(string value) => new(RedisReplyKind.SimpleString, value, 0);

    /// <summary>Creates an error reply.</summary>
    public static RedisReply Error(string message) => new(RedisReplyKind.Error, message, 0);

    /// <summary>Creates an integer reply.</summary>
    public static RedisReply Integer(long value) => new(RedisReplyKind.Integer, null, value);

    /// <summary>Creates a bulk-string reply; null means nil.</summary>
    public static RedisReply BulkString(byte[]? value) => new(RedisReplyKind.BulkString, value, 0);

    /// <summary>Creates an array reply; null means nil.</summary>
    public static RedisReply Array(RedisReply[]? elements) => new(RedisReplyKind.Array, elements, 0);

    /// <summary>The value of an integer reply, or a bulk/simple string holding an integer.</summary>
    public long AsInt64() => Kind switch
    {
        RedisReplyKind.Integer => _integer,
        RedisReplyKind.BulkString or RedisReplyKind.SimpleString when !IsNull &&
            long.TryParse(AsString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new InvalidOperationException($"A {Kind} reply is not an integer: {this}."),
    };

    /// <summary>The reply as bytes: bulk strings as they are, text and integers as UTF-8; null for nil.</summary>
    public byte[]? AsBytes() => Kind switch
    {
        RedisReplyKind.BulkString => (byte[]?)_value,
        RedisReplyKind.Integer => Encoding.UTF8.GetBytes(_integer.ToString(CultureInfo.InvariantCulture)),
        RedisReplyKind.SimpleString or RedisReplyKind.Error => Encoding.UTF8.GetBytes((string)_value!),
        _ => throw new InvalidOperationException("An array reply cannot be read as bytes."),
    };

    /// <summary>The reply as text (bulk strings decoded as UTF-8); null for nil.</summary>
    public string? AsString() => Kind switch
    {
        RedisReplyKind.BulkString => _value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null,
        RedisReplyKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RedisReplyKind.SimpleString or RedisReplyKind.Error => (string?)_value,
        _ => throw new InvalidOperationException("An array reply cannot be read as text."),
    };

    /// <summary>A readable rendering for logs and test failures, e.g. <c>+OK</c>, <c>:3</c>, <c>$"abc"</c>, <c>*[…]</c>.</summary>
    public override string ToString() => Kind switch
    {
        RedisReplyKind.SimpleString => "+" + _value,
        RedisReplyKind.Error => "-" + _value,
        RedisReplyKind.Integer => ":" + _integer.ToString(CultureInfo.InvariantCulture),
        RedisReplyKind.BulkString => IsNull ? "$nil" : "$\"" + AsString() + "\"",
        _ => IsNull ? "*nil" : "*[" + string.Join(", ", (RedisReply[])_value!) + "]",
    };
}
