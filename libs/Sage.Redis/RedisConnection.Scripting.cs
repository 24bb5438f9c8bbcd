using Sage.Redis.Connection;
using Sage.Redis.Protocol;

namespace Sage.Redis;

public sealed partial class RedisConnection
{
    /// <summary>EVAL: runs a Lua script (and caches it on the server).</summary>
    public Task<RedisReply> EvalAsync(string script, ReadOnlySpan<RedisValue> keys, ReadOnlySpan<RedisValue> args, CancellationToken cancellationToken = default) =>
        SendScriptAsync("EVAL", script, keys, args, cancellationToken);

    /// <summary>EVALSHA: runs a cached script by its SHA-1; throws <see cref="RedisServerException"/> (NOSCRIPT) if the server lacks it.</summary>
    public Task<RedisReply> EvalShaAsync(string sha1, ReadOnlySpan<RedisValue> keys, ReadOnlySpan<RedisValue> args, CancellationToken cancellationToken = default) =>
        SendScriptAsync("EVALSHA", sha1, keys, args, cancellationToken);

    /// <summary>SCRIPT LOAD: caches a script and returns its SHA-1 (lowercase hex).</summary>
    public async Task<string> ScriptLoadAsync(string script, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync("SCRIPT", ["LOAD", script], cancellationToken).ConfigureAwait(false)).AsString()!;

    private Task<RedisReply> SendScriptAsync(
        string name, string scriptOrSha, ReadOnlySpan<RedisValue> keys, ReadOnlySpan<RedisValue> args, CancellationToken cancellationToken)
    {
        var command = new RedisCommand(name);
        var writer = new RespWriter(command);
        writer.WriteArrayHeader(3 + keys.Length + args.Length);
        writer.WriteBulkString(name);
        writer.WriteBulkString(scriptOrSha);
        writer.WriteBulkString((RedisValue)keys.Length);
        foreach (ref readonly var key in keys)
        {
            writer.WriteBulkString(key);
        }

        foreach (ref readonly var arg in args)
        {
            writer.WriteBulkString(arg);
        }

        return SendAsync(command, cancellationToken);
    }
}
