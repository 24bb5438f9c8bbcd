namespace Sage.Redis;

/// <summary>The RESP2 type of a reply.</summary>
public enum RedisReplyKind
{
    /// <summary><c>+OK</c>: a short status text.</summary>
    SimpleString,

    /// <summary><c>-ERR …</c>: an error reply; <see cref="RedisReply.ErrorMessage"/> holds the server text.</summary>
    Error,

    /// <summary><c>:42</c>: a signed 64-bit integer.</summary>
    Integer,

    /// <summary><c>$3\r\nabc</c>: binary-safe bytes, or nil (<c>$-1</c>).</summary>
    BulkString,

    /// <summary><c>*2\r\n…</c>: nested replies, or nil (<c>*-1</c>).</summary>
    Array,
}
