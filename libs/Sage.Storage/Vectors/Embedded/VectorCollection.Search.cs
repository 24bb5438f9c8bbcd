using System.Numerics.Tensors;
using System.Text.Json;

namespace Sage.Storage.Vectors.Embedded;

internal sealed partial class VectorCollection
{
    /// <summary>
    /// Exact top-k: scores every live slot (filter applied to candidates before they can enter the result, so the
    /// best k among matching points come back), split across cores when the collection is large enough to pay for it.
    /// Returns (slot, score) best first. The caller holds the read lock. An HNSW collection whose graph is ready answers
    /// from the graph instead (approximate) unless <paramref name="exact"/>, the collection is small or the filter very selective.
    /// </summary>
    public (int Slot, float Score)[] Search(ReadOnlySpan<float> query, int k, Func<string, JsonElement?, bool>? filter, float? threshold, int parallelThreshold,
        bool exact = false, int? ef = null)
    {
        var prepared = Prepare(query);
        var euclid = Spec.Distance == Distance.Euclid;
        // One rank scale for the heap: higher is better, so euclid ranks by negative distance.
        var minRank = threshold is { } t ? (euclid ? -t : t) : float.NegativeInfinity;
        TopKHeap heap;
        if (UseGraph(exact, filter))
        {
            heap = new TopKHeap(k);
            Graph!.Search(prepared, Math.Max(k, ef ?? Graph.EfConstruct), filter, minRank, heap);
        }
        else if (LiveCount >= parallelThreshold && Environment.ProcessorCount > 1)
        {
            var chunks = Math.Min(Environment.ProcessorCount * 2, (SlotCount + 1023) / 1024);
            var perChunk = (SlotCount + chunks - 1) / chunks;
            var heaps = new TopKHeap[chunks];
            Parallel.For(0, chunks, chunk =>
            {
                var local = new TopKHeap(k);
                ScanRange(prepared, chunk * perChunk, Math.Min(SlotCount, (chunk + 1) * perChunk), filter, minRank, euclid, local);
                heaps[chunk] = local;
            });
            heap = heaps[0];
            for (var i = 1; i < heaps.Length; i++)
            {
                heap.MergeFrom(heaps[i]);
            }
        }
        else
        {
            heap = new TopKHeap(k);
            ScanRange(prepared, 0, SlotCount, filter, minRank, euclid, heap);
        }
        var best = heap.ToSortedArray();
        var result = new (int Slot, float Score)[best.Length];
        for (var i = 0; i < best.Length; i++)
        {
            result[i] = (best[i].Slot, euclid ? -best[i].Rank : best[i].Rank);
        }
        return result;
    }

    private void ScanRange(float[] query, int from, int to, Func<string, JsonElement?, bool>? filter, float minRank, bool euclid, TopKHeap heap)
    {
        var dimension = Dimension;
        var slot = from;
        while (slot < to)
        {
            var segmentIndex = slot / SegmentPoints;
            var segment = _segments[segmentIndex];
            var segmentEnd = Math.Min(to, (segmentIndex + 1) * SegmentPoints);
            for (; slot < segmentEnd; slot++)
            {
                if ((_dead[slot >> 6] & (1UL << (slot & 63))) != 0)
                {
                    continue;
                }
                var vector = new ReadOnlySpan<float>(segment, (slot - (segmentIndex * SegmentPoints)) * dimension, dimension);
                var rank = euclid ? -TensorPrimitives.Distance(query, vector) : TensorPrimitives.Dot(query, vector);
                // Score first, filter only candidates that could enter the top k: same result, far fewer filter calls.
                if (rank < minRank || !heap.Admits(rank, slot))
                {
                    continue;
                }
                if (filter is not null && !filter(_ids[slot]!, _metadata[slot]))
                {
                    continue;
                }
                heap.Offer(rank, slot);
            }
        }
    }

    /// <summary>How many live points match; the caller holds a lock.</summary>
    public long Count(Func<string, JsonElement?, bool>? filter)
    {
        if (filter is null)
        {
            return LiveCount;
        }
        long count = 0;
        for (var slot = 0; slot < SlotCount; slot++)
        {
            if (!IsDead(slot) && filter(_ids[slot]!, _metadata[slot])) count++;
        }
        return count;
    }

    /// <summary>
    /// The next <paramref name="limit"/> matching slots in ordinal id order after <paramref name="afterId"/>, and
    /// whether more follow. Id order keeps cursors valid across compaction and restarts.
    /// </summary>
    public (List<int> Slots, bool More) Page(string? afterId, int limit, Func<string, JsonElement?, bool>? filter)
    {
        // A max-heap on id keeps the smallest `limit` ids seen: O(n log limit), no full sort.
        var kept = new PriorityQueue<int, string>(limit + 1, Comparer<string>.Create(static (a, b) => string.CompareOrdinal(b, a)));
        var matched = 0;
        for (var slot = 0; slot < SlotCount; slot++)
        {
            if (IsDead(slot)) continue;
            var id = _ids[slot]!;
            if (afterId is not null && string.CompareOrdinal(id, afterId) <= 0) continue;
            if (filter is not null && !filter(id, _metadata[slot])) continue;
            matched++;
            kept.Enqueue(slot, id);
            if (kept.Count > limit) kept.Dequeue();
        }
        var slots = new List<int>(kept.Count);
        while (kept.Count > 0)
        {
            slots.Add(kept.Dequeue());
        }
        slots.Reverse();
        return (slots, matched > limit);
    }
}
