namespace Sage.Storage.Kv;

/// <summary>
/// KV's namespaces, the one place their rule lives. Without a namespace a key is public: what users write through <c>/kv</c>.
/// SAGE's own services keep their records in a reserved namespace (today only <see cref="Memory"/>), stored as
/// <c>_sage/{namespace}/{key}</c>. A public key can never start so, because <see cref="KeyRules"/> refuses <c>/</c> in keys; and
/// the public list and delete-by-pattern skip every stored key under <see cref="ReservedPrefix"/>. So a shared KV's
/// <c>DELETE /kv?pattern=*</c> leaves Memory's data alone, and only a request that names the namespace reaches it.
/// </summary>
public static class KvNamespaces
{
    /// <summary>Memory's records (<c>namespace=memory</c> on the KV routes).</summary>
    public const string Memory = "memory";

    /// <summary>Start of every stored key in a reserved namespace; never the start of a public key.</summary>
    public const string ReservedPrefix = "_sage/";

    private static readonly string[] Known = [Memory];

    /// <summary>Null when <paramref name="name"/> is a namespace (or null: the public one), otherwise what is wrong with it.</summary>
    public static string? Check(string? name) =>
        name is null || Array.IndexOf(Known, name) >= 0
            ? null
            : $"namespace must be {string.Join(" or ", Known.Select(k => $"'{k}'"))}, or absent for public keys.";

    /// <summary>The key a store holds for <paramref name="key"/> of namespace <paramref name="name"/> (null: public, unchanged).</summary>
    public static string StoreKey(string? name, string key) => name is null ? key : Prefix(name) + key;

    /// <summary>The key within <paramref name="name"/> of a store key of that namespace.</summary>
    public static string KeyOf(string? name, string storeKey) => name is null ? storeKey : storeKey[Prefix(name).Length..];

    /// <summary>The namespace of a store key (or of a store pattern that starts with a namespace's prefix) and the key within it.</summary>
    public static (string? Namespace, string Key) Split(string storeKey)
    {
        foreach (var name in Known)
        {
            if (storeKey.StartsWith(Prefix(name), StringComparison.Ordinal))
                return (name, KeyOf(name, storeKey));
        }
        return (null, storeKey);
    }

    /// <summary>True for a stored key that belongs to a reserved namespace.</summary>
    public static bool IsReserved(string storeKey) => storeKey.StartsWith(ReservedPrefix, StringComparison.Ordinal);

    /// <summary>
    /// One page of the keys of namespace <paramref name="name"/> matching <paramref name="pattern"/>, as keys within it. The public
    /// namespace's pages leave out reserved keys, so they may be short (even empty) before the end, as any scan page may.
    /// </summary>
    public static async ValueTask<KvScanPage> ScanNamespaceAsync(this IKvStore store, string? name, string pattern, string? cursor, int limit,
        CancellationToken cancellationToken = default)
    {
        var page = await store.ScanAsync(StorePattern(name, pattern), cursor, limit, cancellationToken).ConfigureAwait(false);
        var keys = name is null ? page.Keys.Where(k => !IsReserved(k)).ToArray() : page.Keys.Select(k => KeyOf(name, k)).ToArray();
        return new KvScanPage(keys, page.NextCursor);
    }

    /// <summary>Deletes the keys of namespace <paramref name="name"/> matching <paramref name="pattern"/>; how many.</summary>
    public static async ValueTask<long> DeleteNamespaceByPatternAsync(this IKvStore store, string? name, string pattern, CancellationToken cancellationToken = default)
    {
        if (name is not null || !MayMatchReserved(pattern))
            return await store.DeleteByPatternAsync(StorePattern(name, pattern), cancellationToken).ConfigureAwait(false);

        // The store's own delete would take the reserved namespaces with it: scan, and delete only the public keys found.
        long deleted = 0;
        string? cursor = null;
        do
        {
            var page = await store.ScanNamespaceAsync(null, pattern, cursor, 1000, cancellationToken).ConfigureAwait(false);
            if (page.Keys.Count > 0)
                deleted += await store.DeleteManyAsync(page.Keys, cancellationToken).ConfigureAwait(false);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return deleted;
    }

    // The prefix holds no glob characters, so it needs no escaping in front of a pattern.
    private static string StorePattern(string? name, string pattern) => name is null ? pattern : Prefix(name) + pattern;

    private static string Prefix(string name) => ReservedPrefix + name + "/";

    /// <summary>
    /// Whether a public pattern might match a reserved key, judged by its literal start: <c>tmp:*</c> cannot, so the store deletes it
    /// in one sweep; <c>*</c>, <c>_s*</c> or <c>[_]*</c> might, so their keys are filtered first.
    /// </summary>
    private static bool MayMatchReserved(string pattern)
    {
        var wildcard = pattern.AsSpan().IndexOfAny("*?[\\");
        var literal = wildcard < 0 ? pattern : pattern[..wildcard];
        return ReservedPrefix.StartsWith(literal, StringComparison.Ordinal) || literal.StartsWith(ReservedPrefix, StringComparison.Ordinal);
    }
}
