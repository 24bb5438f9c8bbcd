using System.Buffers.Text;
using System.Text;
using Sage.Client.Memory;
using Sage.ServiceDefaults.Http;

namespace Sage.Memory.Memories;

public sealed partial class MemoryStore
{
    /// <summary>The default and the largest page of <c>GET /memory</c>.</summary>
    public const int DefaultListLimit = 100, MaxListLimit = 1000;

    // A filtered listing reads at most this many KV scan pages per request, so a rare session or type answers promptly with a
    // short (even empty) page and a cursor, instead of walking the whole store in one request.
    private const int MaxScansPerPage = 10;

    private const string ListCursorTag = "memories:";

    /// <summary>
    /// One page of every live memory, optionally of one session and/or type, in no particular order: a KV scan of the records,
    /// whose cursor, wrapped, is the page's. Each scan page asked for fits in the room left, so no key is skipped between pages,
    /// and every memory that exists for the whole listing is returned at least once (a memory may appear twice, as scans allow).
    /// </summary>
    public async Task<ListMemoriesResponse> ListAsync(int? limit, string? cursor, string? sessionId, string? memoryType, bool withVectors,
        CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        var pageSize = limit ?? DefaultListLimit;
        errors.Require(pageSize is >= 1 and <= MaxListLimit, "limit", $"limit must be between 1 and {MaxListLimit}.");
        MemoryValidation.SessionId(errors, sessionId);
        MemoryValidation.MemoryType(errors, memoryType);
        var scanCursor = ParseListCursor(errors, cursor);
        errors.ThrowIfInvalid();

        var now = time.GetUtcNow();
        var page = new List<StoredMemory>(Math.Min(pageSize, KvBatch));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scans = 0;
        do
        {
            var scan = await kv.ScanAsync(MemoryLayout.RecordPattern, scanCursor, Math.Min(pageSize - page.Count, KvBatch), cancellationToken);
            scanCursor = scan.NextCursor;
            var keys = scan.Keys.Where(seen.Add).ToArray();
            if (keys.Length == 0)
                continue;
            foreach (var memory in (await kv.GetManyAsync(keys, cancellationToken)).Select(MemoryLayout.ReadRecord))
            {
                // Null: deleted since the scan.
                if (memory is null)
                    continue;
                if (memory.IsExpiredAt(now))
                    cleanup.Enqueue(memory.Key);
                else if ((sessionId is null || memory.SessionId == sessionId) && (memoryType is null || memory.MemoryType == memoryType))
                    page.Add(memory);
            }
        }
        while (scanCursor is not null && page.Count < pageSize && ++scans < MaxScansPerPage);

        var vectorsByKey = withVectors ? await ReadVectorsAsync(page, cancellationToken) : null;
        var nextCursor = scanCursor is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(ListCursorTag + scanCursor));
        return new ListMemoriesResponse(page.Select(m => m.ToRecord(vectorsByKey?.GetValueOrDefault(m.Key))).ToArray(), nextCursor);
    }

    // The tag tells a cursor of this listing from anything else (a session cursor, a KV cursor); what follows is KV's own.
    private static string? ParseListCursor(RequestValidation errors, string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
            return null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.Length > ListCursorTag.Length && text.StartsWith(ListCursorTag, StringComparison.Ordinal))
                return text[ListCursorTag.Length..];
        }
        catch (FormatException)
        {
        }
        errors.Add("cursor", ForeignCursor);
        return null;
    }
}
