namespace Sage.Storage.Vectors.Embedded;

/// <summary>
/// A bounded min-heap of the best <c>k</c> (rank, slot) pairs seen so far: the root is the worst kept, so a candidate
/// that cannot beat it is rejected with one comparison. Higher rank is better; ties go to the lower slot.
/// </summary>
internal sealed class TopKHeap
{
    private readonly float[] _ranks;
    private readonly int[] _slots;

    public TopKHeap(int capacity)
    {
        _ranks = new float[capacity];
        _slots = new int[capacity];
    }

    public int Count { get; private set; }

    public bool IsFull => Count == _ranks.Length;

    /// <summary>True when a candidate with this rank could enter the heap (cheap pre-check before filtering).</summary>
    public bool Admits(float rank, int slot) => !IsFull || Better(rank, slot, _ranks[0], _slots[0]);

    public void Offer(float rank, int slot)
    {
        if (!IsFull)
        {
            var i = Count++;
            _ranks[i] = rank;
            _slots[i] = slot;
            SiftUp(i);
        }
        else if (Better(rank, slot, _ranks[0], _slots[0]))
        {
            _ranks[0] = rank;
            _slots[0] = slot;
            SiftDown(0);
        }
    }

    public void MergeFrom(TopKHeap other)
    {
        for (var i = 0; i < other.Count; i++)
        {
            Offer(other._ranks[i], other._slots[i]);
        }
    }

    /// <summary>The kept pairs, best first.</summary>
    public (float Rank, int Slot)[] ToSortedArray()
    {
        var result = new (float Rank, int Slot)[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = (_ranks[i], _slots[i]);
        }
        Array.Sort(result, static (a, b) => Better(a.Rank, a.Slot, b.Rank, b.Slot) ? -1 : Better(b.Rank, b.Slot, a.Rank, a.Slot) ? 1 : 0);
        return result;
    }

    private static bool Better(float rank, int slot, float otherRank, int otherSlot) =>
        rank > otherRank || (rank == otherRank && slot < otherSlot);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Better(_ranks[parent], _slots[parent], _ranks[i], _slots[i])) break;
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= Count) break;
            var worst = left;
            var right = left + 1;
            if (right < Count && Better(_ranks[left], _slots[left], _ranks[right], _slots[right])) worst = right;
            if (!Better(_ranks[i], _slots[i], _ranks[worst], _slots[worst])) break;
            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_ranks[a], _ranks[b]) = (_ranks[b], _ranks[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
    }
}
