namespace Sage.Storage.Kv;

/// <summary>
/// The Lua scripts behind <see cref="RedisKvStore"/>'s conditional writes and batches. Each touches keys of one hash slot
/// only, so it also runs on a Redis Cluster. A stored value is <c>#</c>, its 16-character version (the ETag), then its JSON
/// text; a value stored before versions existed is bare JSON text whose ETag is its <c>redis.sha1hex</c>
/// (<see cref="KvValue.ETagOf"/>). Reads run no script.
/// </summary>
internal static class RedisKvScripts
{
    // Shared by the conditional scripts: the ETag of a stored value, versioned or bare.
    private const string ETagFunction = """
        local function etag(stored)
          if string.sub(stored, 1, 1) == '#' then return string.sub(stored, 2, 17) end
          return redis.sha1hex(stored)
        end
        """;

    /// <summary>
    /// KEYS[1]: key; ARGV: has If-Match ('1'/'0'), its etag ('*' = any), has If-None-Match ('1'/'0'), its etag, stored value,
    /// ttl ms ('' = none). Returns 1 when written, 0 when a condition did not hold.
    /// </summary>
    public const string SetIf = ETagFunction + """

        local current = redis.call('GET', KEYS[1])
        if ARGV[1] == '1' then
          if not current then return 0 end
          if ARGV[2] ~= '*' and etag(current) ~= ARGV[2] then return 0 end
        end
        if ARGV[3] == '1' and current and etag(current) == ARGV[4] then return 0 end
        if ARGV[6] == '' then
          redis.call('SET', KEYS[1], ARGV[5])
        else
          redis.call('SET', KEYS[1], ARGV[5], 'PX', ARGV[6])
        end
        return 1
        """;

    /// <summary>KEYS[1]: key; ARGV[1]: etag. Returns 0 missing, 1 ETag mismatch, 2 deleted.</summary>
    public const string DeleteIfMatch = ETagFunction + """

        local current = redis.call('GET', KEYS[1])
        if not current then return 0 end
        if ARGV[1] ~= '*' and etag(current) ~= ARGV[1] then return 1 end
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
