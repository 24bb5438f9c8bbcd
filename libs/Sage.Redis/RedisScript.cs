using System.Security.Cryptography;
using System.Text;

namespace Sage.Redis;

/// <summary>
/// A Lua script run with EVALSHA, falling back to EVAL (which caches it again) when the server answers NOSCRIPT,
/// e.g. after a restart or SCRIPT FLUSH.
/// </summary>
public sealed class RedisScript
{
    /// <summary>Prepares a script; its SHA-1 is computed locally, so nothing is sent yet.</summary>
    public RedisScript(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        Source = source;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>Lowercase hex SHA-1 of the source, as Redis names cached scripts.</summary>
    public string Sha1 { get; }

    /// <summary>Runs the script with the given KEYS and ARGV.</summary>
    public async Task<RedisReply> EvaluateAsync(
        RedisConnection connection, RedisValue[] keys, RedisValue[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            return await connection.EvalShaAsync(Sha1, keys, args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Prefix == "NOSCRIPT")
        {
            return await connection.EvalAsync(Source, keys, args, cancellationToken).ConfigureAwait(false);
        }
    }
}
