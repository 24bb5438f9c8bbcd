namespace Sage.Storage.Kv;

/// <summary>
/// The Lua scripts behind <see cref="RedisKvStore"/>'s conditional writes and batches. Each touches keys of one hash slot
/// only, so it also runs on a Redis Cluster. ETags are computed server-side with <c>redis.sha1hex</c> over the stored JSON
/// text, which is what <see cref="KvValue.ETagOf"/> computes. Reads run no script.
/// </summary>
internal static class RedisKvScripts
{
    /// <summary>KEYS[1]: key; ARGV: etag, value, ttl ms ('' = none). Returns 1 when written, 0 when the ETag did not match.</summary>
    public const string SetIfMatch = """
        local current = redis.call('GET', KEYS[1])
        if not current then return 0 end
        if ARGV[1] ~= '*' and redis.sha1hex(current) ~= ARGV[1] then return 0 end
        if ARGV[3] == '' then
          redis.call('SET', KEYS[1], ARGV[2])
        else
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        end
        return 1
        """;

    /// <summary>KEYS[1]: key; ARGV[1]: etag. Returns 0 missing, 1 ETag mismatch, 2 deleted.</summary>
    public const string DeleteIfMatch = """
        local current = redis.call('GET', KEYS[1])
        if not current then return 0 end
        if ARGV[1] ~= '*' and redis.sha1hex(current) ~= ARGV[1] then return 1 end
        redis.call('UNLINK', KEYS[1])
        return 2
        """;

    /// <summary>KEYS: keys of one hash slot; ARGV: value1, ttl1, value2, ttl2, … (ttl '' = none). Writes all of them in one atomic step.</summary>
    public const string SetMany = """
        for i, key in ipairs(KEYS) do
          local ttl = ARGV[2 * i]
          if ttl == '' then
            redis.call('SET', key, ARGV[2 * i - 1])
          else
            redis.call('SET', key, ARGV[2 * i - 1], 'PX', ttl)
          end
        end
        return #KEYS
        """;
}
