using System.Diagnostics;
using System.Text.Json;
using Sage.Client;
using Sage.Client.Memory;
using Sage.Storage;
using Sage.Storage.Kv;
using Sage.Storage.Vectors;

namespace Sage.Memory.Memories;

public sealed partial class MemoryStore
{
    /// <summary>The kinds of <see cref="ReconcileCounts"/>, as reported and as the <c>kind</c> tag of <c>sage.memory.reconciled</c>.</summary>
    public const string VectorWithoutData = "vector_without_data", StaleVector = "stale_vector", DataWithoutVector = "data_without_vector";

    private const int MaxReportedMemories = 100;

    /// <summary>
    /// One pass over every vector, then every record, a page at a time, putting what is out of step back in step:
    /// <list type="bullet">
    /// <item>a vector whose record is gone, or that is not of its record's version: the point is deleted (it is left over from a
    /// write that was deleted, replaced or undone, and is never shown);</item>
    /// <item>a record that says it has a vector but has none (or only a stale one): the record stays, marked without vector. A
    /// vector cannot be made again from the data, and the data itself is intact and was acknowledged, so deleting it would lose
    /// more than the mismatch did; GET and session listings keep working, search just cannot find it until it is stored again
    /// with a vector.</item>
    /// </list>
    /// Only what was written longer ago than <see cref="MemoryOptions.ReconcileGracePeriod"/> is touched, since another replica
    /// may be between a record write and its vector write; each fix re-reads under the key's lock, deletes a point only if it
    /// still has the version seen (one VDB delete by id and version) and updates a record only by compare-and-set.
    /// </summary>
    public async Task<ReconcileResponse> ReconcileAsync(TimeSpan pagePause, CancellationToken cancellationToken)
    {
        var run = new ReconcileRun(time.GetUtcNow());
        var started = Stopwatch.GetTimestamp();
        await ReconcilePointsAsync(run, pagePause, cancellationToken);
        await ReconcileRecordsAsync(run, pagePause, cancellationToken);
        return run.ToResponse(Stopwatch.GetElapsedTime(started));
    }

    private async Task ReconcilePointsAsync(ReconcileRun run, TimeSpan pagePause, CancellationToken cancellationToken)
    {
        if (await FindCollectionAsync(cancellationToken) is null)
            return;
        string? cursor = null;
        do
        {
            ScrollPage page;
            try
            {
                page = await vectors.ScrollAsync(Collection, new ScrollRequest(Cursor: cursor, Limit: _options.ReconcilePageSize), cancellationToken);
            }
            catch (StorageException e) when (e.Error == StorageError.NotFound)
            {
                _collection = null;
                return;
            }
            run.PointsScanned += page.Points.Count;
            var entries = await kv.GetManyAsync(page.Points.Select(p => MemoryLayout.RecordKey(p.Id)).ToArray(), cancellationToken);
            var now = time.GetUtcNow();
            for (var i = 0; i < page.Points.Count; i++)
            {
                var point = page.Points[i];
                var memory = MemoryLayout.ReadRecord(entries[i]);
                if (PointMismatch(memory, point.Metadata, now) is not { } kind)
                    continue;
                if (!IsSettled(MemoryLayout.VersionTime(MemoryLayout.PointVersion(point.Metadata)), now) || !IsSettled(memory?.UpdatedAt, now))
                {
                    run.Recent++;
                    continue;
                }
                run.Add(point.Id, kind, await FixPointAsync(point.Id, cancellationToken), metrics);
            }
            cursor = page.NextCursor;
            await PauseAsync(cursor, pagePause, cancellationToken);
        }
        while (cursor is not null);
    }

    private async Task ReconcileRecordsAsync(ReconcileRun run, TimeSpan pagePause, CancellationToken cancellationToken)
    {
        string? cursor = null;
        do
        {
            var page = await kv.ScanAsync(MemoryLayout.RecordPattern, cursor, _options.ReconcilePageSize, cancellationToken);
            run.RecordsScanned += page.Keys.Count;
            var entries = page.Keys.Count > 0 ? await kv.GetManyAsync(page.Keys, cancellationToken) : [];
            var now = time.GetUtcNow();
            var withVector = entries.Select(MemoryLayout.ReadRecord)
                .Where(m => m is { HasVector: true } && !m.IsExpiredAt(now) && IsSettled(m.UpdatedAt, now))
                .Select(m => m!.Key)
                .ToArray();
            if (withVector.Length > 0)
            {
                var present = await FindCollectionAsync(cancellationToken) is null
                    ? []
                    : (await vectors.GetAsync(Collection, withVector, withVector: false, withMetadata: false, cancellationToken)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
                foreach (var key in withVector.Where(k => !present.Contains(k)))
                    run.Add(key, DataWithoutVector, await FixRecordAsync(key, cancellationToken), metrics);
            }
            cursor = page.NextCursor;
            await PauseAsync(cursor, pagePause, cancellationToken);
        }
        while (cursor is not null);
    }

    // The point's key, re-read under its lock: the point goes if it still does not belong to its record, and a record whose
    // own vector it was not is marked without vector.
    private async Task<bool> FixPointAsync(string key, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(key, cancellationToken);
        var entry = await kv.GetAsync(MemoryLayout.RecordKey(key), cancellationToken);
        var memory = MemoryLayout.ReadRecord(entry);
        var points = await vectors.GetAsync(Collection, [key], withVector: false, withMetadata: true, cancellationToken);
        if (points.Count == 0 || PointMismatch(memory, points[0].Metadata, time.GetUtcNow()) is null)
            return false;
        // By id and version in one call: a point another replica has rewritten since the read above is not this one, and stays.
        var version = MemoryLayout.PointVersion(points[0].Metadata);
        FilterCondition sameVersion = version is null
            ? new IsEmptyCondition(MemoryLayout.VersionField)
            : new MatchValueCondition(MemoryLayout.VersionField, JsonSerializer.SerializeToElement(version, SageJson.Options));
        if (await vectors.DeleteByFilterAsync(Collection, new VectorFilter(Must: [new HasIdCondition([key]), sameVersion]), cancellationToken) == 0)
            return false;
        if (entry is not null && memory is { HasVector: true })
            await MarkWithoutVectorAsync(entry, memory, cancellationToken);
        return true;
    }

    private async Task<bool> FixRecordAsync(string key, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(key, cancellationToken);
        var entry = await kv.GetAsync(MemoryLayout.RecordKey(key), cancellationToken);
        if (entry is null || MemoryLayout.ReadRecord(entry) is not { HasVector: true } memory || memory.IsExpiredAt(time.GetUtcNow()))
            return false;
        if (await FindCollectionAsync(cancellationToken) is not null && (await vectors.GetAsync(Collection, [key], withVector: false, withMetadata: false, cancellationToken)).Count > 0)
            return false;
        return await MarkWithoutVectorAsync(entry, memory, cancellationToken);
    }

    // Compare-and-set against the entry read, keeping the record's lifetime and version; false when it changed meanwhile.
    private async Task<bool> MarkWithoutVectorAsync(KvEntry entry, StoredMemory memory, CancellationToken cancellationToken)
    {
        var record = MemoryLayout.KvWrites(memory with { HasVector = false }, time.GetUtcNow())[0];
        if (record.TimeToLive is { } ttl && ttl <= TimeSpan.Zero)
            return false;
        var written = await kv.SetAsync(record.Key, record.Value, new KvSetOptions { TimeToLive = record.TimeToLive, IfMatch = entry.ETag }, cancellationToken);
        return written.Applied;
    }

    // Null when the point is its live record's current vector, or its record has expired (the expiry sweep's job).
    private static string? PointMismatch(StoredMemory? memory, JsonElement? pointMetadata, DateTimeOffset now) => memory switch
    {
        null => VectorWithoutData,
        _ when memory.IsExpiredAt(now) => null,
        _ when !MemoryLayout.IsPointOf(memory, pointMetadata) => StaleVector,
        _ => null,
    };

    // A write of unknown time (a point stored before versions) is old.
    private bool IsSettled(DateTimeOffset? writtenAt, DateTimeOffset now) => writtenAt is not { } at || now - at >= _options.ReconcileGracePeriod;

    private async Task PauseAsync(string? cursor, TimeSpan pagePause, CancellationToken cancellationToken)
    {
        if (cursor is not null && pagePause > TimeSpan.Zero)
            await Task.Delay(pagePause, time, cancellationToken);
    }

    private sealed class ReconcileRun(DateTimeOffset startedAt)
    {
        private readonly long[] _found = new long[3], _fixed = new long[3];
        private readonly List<ReconciledMemory> _memories = [];
        private bool _truncated;

        public long PointsScanned, RecordsScanned, Recent;

        public void Add(string key, string kind, bool fixedIt, MemoryMetrics metrics)
        {
            var index = kind switch { VectorWithoutData => 0, StaleVector => 1, _ => 2 };
            _found[index]++;
            if (fixedIt)
            {
                _fixed[index]++;
                metrics.Reconciled(kind);
            }
            if (_memories.Count < MaxReportedMemories)
                _memories.Add(new ReconciledMemory(key, kind, fixedIt));
            else
                _truncated = true;
        }

        public ReconcileResponse ToResponse(TimeSpan duration) => new(startedAt, Math.Round(duration.TotalMilliseconds, 3), PointsScanned,
            RecordsScanned, Counts(_found), Counts(_fixed), Recent, _memories, _truncated);

        private static ReconcileCounts Counts(long[] counts) => new(counts[0], counts[1], counts[2]);
    }
}
