using System.Numerics.Tensors;
using System.Text.Json;

namespace Sage.Storage.Vectors.Embedded;

/// <summary>
/// A hierarchical navigable small world graph (Malkov &amp; Yashunin) over a collection's slots: the vectors stay in the
/// collection's segments, the graph holds only links. Ranks are "higher is better" as in <see cref="TopKHeap"/>: the dot
/// product for cosine (vectors are unit length) and dot, the negative distance for euclid.
/// Tombstoned slots stay in the graph as stepping stones (removing them would cut paths) and are never returned;
/// compaction renumbers slots, so the collection rebuilds the graph afterwards.
/// Not thread-safe by itself: inserts run under the collection's write lock or (the background build) under its read
/// lock while the graph is not yet <see cref="Ready"/>, and searches only run under the read lock once it is ready.
/// </summary>
internal sealed class HnswGraph
{
    private readonly VectorCollection _collection;
    private readonly bool _euclid;
    private readonly int _maxLinks0;
    private readonly double _levelScale;
    private readonly Random _random;
    // _links[slot][level] = [count, neighbour slots..., spare]: fixed capacity, so adding a link never allocates.
    private int[][][] _links = new int[16][][];
    private int _entry = -1;
    private int _topLevel = -1;

    public HnswGraph(VectorCollection collection, int m, int efConstruct, int seed = 42)
    {
        _collection = collection;
        _euclid = collection.Spec.Distance == Distance.Euclid;
        M = m;
        EfConstruct = efConstruct;
        _maxLinks0 = 2 * m;
        _levelScale = 1 / Math.Log(m);
        _random = new Random(seed);
    }

    public int M { get; }
    public int EfConstruct { get; }

    /// <summary>Slots below this are in the graph; the background build walks it up to the collection's slot count.</summary>
    public int Inserted { get; private set; }

    /// <summary>True once every slot is in the graph; from then on writers insert new slots themselves and queries may use it.</summary>
    public volatile bool Ready;

    /// <summary>Bytes held by the link lists (the vectors are the collection's).</summary>
    public long LinkBytes
    {
        get
        {
            long bytes = 0;
            for (var slot = 0; slot < Inserted; slot++)
            {
                foreach (var level in _links[slot])
                {
                    bytes += 24 + (level.Length * sizeof(int));
                }
            }
            return bytes;
        }
    }

    /// <summary>Adds the next slot (<see cref="Inserted"/>) to the graph.</summary>
    public void InsertNext()
    {
        var slot = Inserted;
        if (_links.Length <= slot)
        {
            Array.Resize(ref _links, Math.Max(slot + 1, _links.Length * 2));
        }
        var level = (int)(-Math.Log(1 - _random.NextDouble()) * _levelScale);
        _links[slot] = new int[level + 1][];
        for (var l = 0; l <= level; l++) _links[slot][l] = new int[(l == 0 ? _maxLinks0 : M) + 1];
        Inserted++;
        Link(slot, level);
    }

    /// <summary>A slot whose vector was replaced in place: its old links are stale, so it is linked afresh.</summary>
    public void Relink(int slot)
    {
        if (slot >= Inserted) return;
        var level = _links[slot].Length - 1;
        for (var l = 0; l <= level; l++) _links[slot][l][0] = 0;
        if (slot == _entry)
        {
            // Search from another node; Link makes this slot the entry again when it is still the highest.
            var other = OtherEntry(slot);
            if (other < 0) return;
            _entry = other;
            _topLevel = _links[other].Length - 1;
        }
        Link(slot, level);
    }

    /// <summary>The highest other node in the graph, or -1 when the graph holds only <paramref name="slot"/>.</summary>
    private int OtherEntry(int slot)
    {
        var best = -1;
        for (var s = 0; s < Inserted; s++)
        {
            if (s != slot && (best < 0 || _links[s].Length > _links[best].Length)) best = s;
        }
        return best;
    }

    private void Link(int slot, int level)
    {
        if (_entry < 0 || _entry == slot)
        {
            _entry = slot;
            _topLevel = Math.Max(_topLevel, level);
            return;
        }
        var query = _collection.VectorAt(slot);
        var entry = _entry;
        var entryRank = Rank(query, entry);
        for (var l = _topLevel; l > level; l--)
        {
            (entry, entryRank) = Greedy(query, entry, entryRank, l);
        }
        for (var l = Math.Min(level, _topLevel); l >= 0; l--)
        {
            var found = SearchLayer(query, [(entryRank, entry)], EfConstruct, l, slot, null);
            var maxLinks = l == 0 ? _maxLinks0 : M;
            var chosen = SelectNeighbours(found, M);
            SetLinks(_links[slot][l], chosen);
            foreach (var (rank, neighbour) in chosen)
            {
                AddLink(neighbour, slot, rank, l, maxLinks);
            }
            if (found.Count > 0) (entryRank, entry) = found[0];
        }
        if (level > _topLevel)
        {
            _topLevel = level;
            _entry = slot;
        }
    }

    /// <summary>Adds a back link; a full list is pruned with the same diversity heuristic as the new node's own.</summary>
    private void AddLink(int from, int to, float rank, int level, int maxLinks)
    {
        var links = _links[from][level];
        var count = links[0];
        if (count < maxLinks)
        {
            links[count + 1] = to;
            links[0] = count + 1;
            return;
        }
        var origin = _collection.VectorAt(from);
        var candidates = new List<(float Rank, int Slot)>(count + 1) { (rank, to) };
        for (var i = 1; i <= count; i++) candidates.Add((Rank(origin, links[i]), links[i]));
        candidates.Sort(static (a, b) => b.Rank.CompareTo(a.Rank));
        SetLinks(links, SelectNeighbours(candidates, maxLinks));
    }

    private static void SetLinks(int[] links, List<(float Rank, int Slot)> chosen)
    {
        links[0] = chosen.Count;
        for (var i = 0; i < chosen.Count; i++) links[i + 1] = chosen[i].Slot;
    }

    /// <summary>
    /// The paper's heuristic: keep a candidate only if it is closer to the origin than to every neighbour already kept,
    /// so links spread in different directions; then top up with the closest skipped ones. <paramref name="sorted"/> is best first.
    /// </summary>
    private List<(float Rank, int Slot)> SelectNeighbours(List<(float Rank, int Slot)> sorted, int count)
    {
        var kept = new List<(float Rank, int Slot)>(count);
        var skipped = new List<(float Rank, int Slot)>();
        foreach (var candidate in sorted)
        {
            if (kept.Count == count) break;
            var vector = _collection.VectorAt(candidate.Slot);
            var diverse = true;
            foreach (var other in kept)
            {
                if (Rank(vector, other.Slot) > candidate.Rank) { diverse = false; break; }
            }
            (diverse ? kept : skipped).Add(candidate);
        }
        for (var i = 0; i < skipped.Count && kept.Count < count; i++) kept.Add(skipped[i]);
        return kept;
    }

    private (int Slot, float Rank) Greedy(ReadOnlySpan<float> query, int entry, float entryRank, int level)
    {
        var improved = true;
        while (improved)
        {
            improved = false;
            var links = _links[entry][level];
            for (var i = 1; i <= links[0]; i++)
            {
                var neighbour = links[i];
                var rank = Rank(query, neighbour);
                if (rank > entryRank)
                {
                    (entry, entryRank, improved) = (neighbour, rank, true);
                }
            }
        }
        return (entry, entryRank);
    }

    /// <summary>
    /// Best-first search of one layer with a beam of <paramref name="ef"/>. Every node is traversed, but only those that
    /// <paramref name="accept"/> allows (live and matching, for queries) enter the results, so a filter still yields the
    /// best matching points. Returns the results best first.
    /// </summary>
    private List<(float Rank, int Slot)> SearchLayer(ReadOnlySpan<float> query, (float Rank, int Slot)[] entries, int ef, int level, int exclude, Func<int, float, bool>? accept)
    {
        var visited = Visited.Start(Inserted);
        // Candidates: a max-queue by rank (negated priority); results: a min-queue holding the best ef accepted.
        var candidates = new PriorityQueue<int, float>();
        var results = new PriorityQueue<int, float>();
        foreach (var (rank, slot) in entries)
        {
            visited.Add(slot);
            candidates.Enqueue(slot, -rank);
            if (slot != exclude && (accept is null || accept(slot, rank))) results.Enqueue(slot, rank);
        }
        while (candidates.TryDequeue(out var current, out var negRank))
        {
            if (results.Count >= ef && results.TryPeek(out _, out var worst) && -negRank < worst) break;
            var links = _links[current][level];
            for (var i = 1; i <= links[0]; i++)
            {
                var neighbour = links[i];
                if (!visited.Add(neighbour)) continue;
                var rank = Rank(query, neighbour);
                var full = results.Count >= ef;
                if (full && results.TryPeek(out _, out var worstKept) && rank <= worstKept) continue;
                candidates.Enqueue(neighbour, -rank);
                if (neighbour == exclude || (accept is not null && !accept(neighbour, rank))) continue;
                results.Enqueue(neighbour, rank);
                if (results.Count > ef) results.Dequeue();
            }
        }
        var list = new List<(float Rank, int Slot)>(results.Count);
        while (results.TryDequeue(out var slot, out var rank)) list.Add((rank, slot));
        list.Reverse();
        if (list.Count == 0 && accept is null) list.Add(entries[0]);
        return list;
    }

    /// <summary>
    /// Approximate top-k: live slots passing <paramref name="filter"/> with rank ≥ <paramref name="minRank"/>, best first
    /// into <paramref name="heap"/>. The caller holds the read lock and has checked <see cref="Ready"/>.
    /// </summary>
    public void Search(float[] query, int ef, Func<string, JsonElement?, bool>? filter, float minRank, TopKHeap heap)
    {
        if (_entry < 0) return;
        var entry = _entry;
        var entryRank = Rank(query, entry);
        for (var l = _topLevel; l > 0; l--)
        {
            (entry, entryRank) = Greedy(query, entry, entryRank, l);
        }
        var collection = _collection;
        var found = SearchLayer(query, [(entryRank, entry)], ef, 0, -1,
            (slot, rank) => rank >= minRank && !collection.IsDead(slot) && (filter is null || filter(collection.IdAt(slot), collection.MetadataAt(slot))));
        foreach (var (rank, slot) in found)
        {
            heap.Offer(rank, slot);
        }
    }

    private float Rank(ReadOnlySpan<float> query, int slot)
    {
        var vector = _collection.VectorAt(slot);
        return _euclid ? -TensorPrimitives.Distance(query, vector) : TensorPrimitives.Dot(query, vector);
    }

    /// <summary>
    /// A visited set per thread, cleared in O(1) by bumping a generation: concurrent queries (under the read lock)
    /// each get their own, and no query allocates one.
    /// </summary>
    private sealed class Visited
    {
        [ThreadStatic]
        private static Visited? t_current;

        private int[] _marks = [];
        private int _generation;

        public static Visited Start(int slots)
        {
            var visited = t_current ??= new Visited();
            if (visited._marks.Length < slots)
            {
                visited._marks = new int[Math.Max(slots, visited._marks.Length * 2)];
                visited._generation = 0;
            }
            if (++visited._generation == int.MaxValue)
            {
                Array.Clear(visited._marks);
                visited._generation = 1;
            }
            return visited;
        }

        /// <summary>True when the slot was not yet visited in this search.</summary>
        public bool Add(int slot)
        {
            if (_marks[slot] == _generation) return false;
            _marks[slot] = _generation;
            return true;
        }
    }
}
