using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sage.Client;
using Sage.Client.Memory;
using Sage.ServiceDefaults.Http;
using Sage.Storage.Vectors;

namespace Sage.Memory.Memories;

public sealed partial class MemoryStore
{
    /// <summary>The default and the largest page of a session listing.</summary>
    public const int DefaultSessionLimit = 100, MaxSessionLimit = 1000;

    private const string ForeignCursor = "cursor is not one this service returned; pass next_cursor back unchanged.";

    // Remote KV takes at most 1000 keys per batch; stay well under it.
    private const int KvBatch = 500;

    /// <summary>A session's live memories in (created_at, key) order after <paramref name="cursor"/>, within [since, until].</summary>
    public async Task<SessionMemoriesResponse> ListSessionAsync(string sessionId, int? limit, string? cursor, string? since, string? until,
        bool withVectors, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        CheckSession(errors, sessionId);
        var pageSize = limit ?? DefaultSessionLimit;
        errors.Require(pageSize is >= 1 and <= MaxSessionLimit, "limit", $"limit must be between 1 and {MaxSessionLimit}.");
        var after = ParseCursor(errors, cursor);
        var from = ParseTime(errors, since, "since");
        var to = ParseTime(errors, until, "until");
        errors.ThrowIfInvalid();

        var candidates = (await ScanSessionAsync(sessionId, cancellationToken))
            .Where(e => (from is null || e.CreatedTicks >= from.Value.UtcTicks) && (to is null || e.CreatedTicks <= to.Value.UtcTicks))
            .Where(e => after is null || Compare(e, after.Value.Ticks, after.Value.Key) > 0)
            .ToList();

        var now = time.GetUtcNow();
        var page = new List<StoredMemory>(Math.Min(pageSize, candidates.Count));
        var stale = new List<string>();
        var next = 0;
        while (page.Count < pageSize && next < candidates.Count)
        {
            var batch = candidates.GetRange(next, Math.Min(Math.Min(pageSize - page.Count, KvBatch), candidates.Count - next));
            next += batch.Count;
            var entries = await kv.GetManyAsync(batch.Select(e => MemoryLayout.RecordKey(e.Key)).ToArray(), cancellationToken);
            for (var i = 0; i < batch.Count; i++)
            {
                var memory = MemoryLayout.ReadRecord(entries[i]);
                if (memory is not null && memory.IsExpiredAt(now))
                    cleanup.Enqueue(memory.Key);
                else if (memory is not null && memory.SessionId == sessionId && memory.CreatedAt.UtcTicks == batch[i].CreatedTicks)
                    page.Add(memory);
                else
                    stale.Add(batch[i].EntryKey);
            }
        }
        if (stale.Count > 0)
            await TryDeleteKvAsync(stale);

        var vectorsByKey = withVectors ? await ReadVectorsAsync(page, cancellationToken) : null;
        var nextCursor = next < candidates.Count ? EncodeCursor(candidates[next - 1]) : null;
        return new SessionMemoriesResponse(sessionId, page.Select(m => m.ToRecord(vectorsByKey?.GetValueOrDefault(m.Key))).ToArray(), nextCursor);
    }

    /// <summary>Deletes every memory of a session: its vectors (by filter, orphans included) first, then its data and index.</summary>
    public async Task<DeleteSessionResponse> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        CheckSession(errors, sessionId);
        errors.ThrowIfInvalid();

        var entries = await ScanSessionAsync(sessionId, cancellationToken);
        var now = time.GetUtcNow();
        var keys = new List<string>(entries.Count * 2);
        long deleted = 0;
        foreach (var chunk in entries.Chunk(KvBatch))
        {
            var records = await kv.GetManyAsync(chunk.Select(e => MemoryLayout.RecordKey(e.Key)).ToArray(), cancellationToken);
            for (var i = 0; i < chunk.Length; i++)
            {
                keys.Add(chunk[i].EntryKey);
                if (MemoryLayout.ReadRecord(records[i]) is { } memory && memory.SessionId == sessionId)
                {
                    keys.Add(MemoryLayout.RecordKey(memory.Key));
                    if (!memory.IsExpiredAt(now))
                        deleted++;
                }
            }
        }
        if (await FindCollectionAsync(cancellationToken) is not null)
        {
            var inSession = new MatchValueCondition("session_id", JsonSerializer.SerializeToElement(sessionId, SageJson.Options));
            await vectors.DeleteByFilterAsync(Collection, new VectorFilter(Must: [inSession]), cancellationToken);
        }
        foreach (var chunk in keys.Chunk(KvBatch))
            await kv.DeleteManyAsync(chunk, cancellationToken);
        return new DeleteSessionResponse(sessionId, deleted);
    }

    // A scan is unordered and may repeat keys: collect them all, then sort by (created_at, key).
    private async Task<List<SessionEntry>> ScanSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var pattern = MemoryLayout.SessionPattern(sessionId);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<SessionEntry>();
        string? cursor = null;
        do
        {
            var page = await kv.ScanAsync(pattern, cursor, 1000, cancellationToken);
            foreach (var key in page.Keys)
            {
                if (seen.Add(key) && MemoryLayout.ParseSessionEntry(sessionId, key) is { } entry)
                    entries.Add(entry);
            }
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        entries.Sort((a, b) => Compare(a, b.CreatedTicks, b.Key));
        return entries;
    }

    private async Task<Dictionary<string, float[]>> ReadVectorsAsync(List<StoredMemory> page, CancellationToken cancellationToken)
    {
        var ids = page.Where(m => m.HasVector).Select(m => m.Key).ToArray();
        if (ids.Length == 0 || await FindCollectionAsync(cancellationToken) is null)
            return [];
        var points = await vectors.GetAsync(Collection, ids, withVector: true, withMetadata: true, cancellationToken);
        var byKey = page.ToDictionary(m => m.Key, StringComparer.Ordinal);
        return points.Where(p => p.Vector is not null && MemoryLayout.IsPointOf(byKey[p.Id], p.Metadata))
            .ToDictionary(p => p.Id, p => p.Vector!.Value.ToArray(), StringComparer.Ordinal);
    }

    private static int Compare(SessionEntry entry, long ticks, string key)
    {
        var byTime = entry.CreatedTicks.CompareTo(ticks);
        return byTime != 0 ? byTime : string.CompareOrdinal(entry.Key, key);
    }

    private static void CheckSession(RequestValidation errors, string sessionId)
    {
        errors.Require(!string.IsNullOrEmpty(sessionId), "session_id", "session_id is required.");
        MemoryValidation.SessionId(errors, sessionId);
    }

    private static string EncodeCursor(SessionEntry last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.CreatedTicks}:{last.Key}"));

    private static (long Ticks, string Key)? ParseCursor(RequestValidation errors, string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
            return null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
                return (ticks, text[(colon + 1)..]);
        }
        catch (FormatException)
        {
        }
        errors.Add("cursor", ForeignCursor);
        return null;
    }

    private static DateTimeOffset? ParseTime(RequestValidation errors, string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return parsed;
        errors.Add(field, $"{field} must be an ISO 8601 time such as 2025-01-31T12:00:00Z.");
        return null;
    }
}
