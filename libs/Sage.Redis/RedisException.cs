namespace Sage.Redis;

/// <summary>Base type of every error this client raises.</summary>
public class RedisException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The server answered with an error reply; <see cref="Exception.Message"/> is the server's text.</summary>
public sealed class RedisServerException(string message) : RedisException(message)
{
    /// <summary>The error prefix, e.g. <c>ERR</c>, <c>NOSCRIPT</c>, <c>WRONGTYPE</c>.</summary>
    public string Prefix => Message.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? Message[..space] : Message;
}

/// <summary>The server could not be reached, the connection broke, or too many commands are pending.</summary>
public sealed class RedisConnectionException(string message, Exception? innerException = null)
    : RedisException(message, innerException);

/// <summary>A command got no reply within the configured timeout.</summary>
public sealed class RedisTimeoutException(string message) : RedisException(message);

/// <summary>The bytes received are not valid RESP2; the connection that produced them is dropped.</summary>
public sealed class RedisProtocolException(string message) : RedisException(message);
