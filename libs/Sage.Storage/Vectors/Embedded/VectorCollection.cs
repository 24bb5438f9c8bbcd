using System.Numerics.Tensors;
using System.Text.Json;

namespace Sage.Storage.Vectors.Embedded;

/// <summary>
/// One collection in memory: vectors packed in fixed-size float32 segments (slot × dimension), a per-slot id and
/// metadata, an id → slot map and a tombstone bit per deleted slot. Writers hold <see cref="WriteGate"/> and take
/// <see cref="Lock"/> for writing only while mutating; readers hold <see cref="Lock"/> for reading.
/// </summary>
internal sealed partial class VectorCollection(string name, CollectionSpec spec)
{
    /// <summary>Points per segment: big enough for SIMD-friendly scans, small enough that growth never copies much.</summary>
    public const int SegmentPoints = 4096;

    private readonly List<float[]> _segments = [];
    private readonly Dictionary<string, int> _slotsById = new(StringComparer.Ordinal);
    private string?[] _ids = new string?[16];
    private JsonElement?[] _metadata = new JsonElement?[16];
    private int[] _metadataBytes = new int[16];
    private ulong[] _dead = new ulong[1];
    private long _metadataBytesTotal;
    private long _idBytesTotal;

    public string Name { get; } = name;
    public CollectionSpec Spec { get; } = spec;
    public int Dimension => Spec.Dimension;
    public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.NoRecursion);
    public SemaphoreSlim WriteGate { get; } = new(1, 1);
    public bool Dropped { get; set; }

    /// <summary>Slots in use, tombstones included.</summary>
    public int SlotCount { get; private set; }
    public int LiveCount => _slotsById.Count;
    public int DeadCount => SlotCount - LiveCount;

    /// <summary>Vector memory of every used slot (tombstones until compaction) plus metadata and id bytes.</summary>
    public long BytesUsed => ((long)SlotCount * Dimension * sizeof(float)) + _metadataBytesTotal + _idBytesTotal;

    public CollectionInfo Info => new(Name, Dimension, Spec.Distance, LiveCount, BytesUsed) { Index = IndexInfo };

    public bool TryGetSlot(string id, out int slot) => _slotsById.TryGetValue(id, out slot);

    public bool IsDead(int slot) => (_dead[slot >> 6] & (1UL << (slot & 63))) != 0;

    public string IdAt(int slot) => _ids[slot]!;

    public JsonElement? MetadataAt(int slot) => _metadata[slot];

    public int MetadataBytesAt(int slot) => _metadataBytes[slot];

    public ReadOnlySpan<float> VectorAt(int slot) =>
        _segments[slot / SegmentPoints].AsSpan(slot % SegmentPoints * Dimension, Dimension);

    /// <summary>Inserts or replaces a point; <paramref name="vector"/> is already prepared (unit length for cosine).</summary>
    public void Put(string id, ReadOnlySpan<float> vector, JsonElement? metadata, int metadataBytes)
    {
        var isNew = !_slotsById.TryGetValue(id, out var slot);
        if (isNew)
        {
            slot = SlotCount++;
            EnsureCapacity(SlotCount);
            _slotsById.Add(id, slot);
            _ids[slot] = id;
            _idBytesTotal += id.Length * sizeof(char);
        }
        var stored = _segments[slot / SegmentPoints].AsSpan(slot % SegmentPoints * Dimension, Dimension);
        var vectorChanged = isNew || !stored.SequenceEqual(vector);
        vector.CopyTo(stored);
        OnPut(slot, isNew, vectorChanged);
        _metadataBytesTotal += metadataBytes - _metadataBytes[slot];
        _metadata[slot] = metadata;
        _metadataBytes[slot] = metadataBytes;
    }

    public bool Remove(string id)
    {
        if (!_slotsById.Remove(id, out var slot))
        {
            return false;
        }
        _dead[slot >> 6] |= 1UL << (slot & 63);
        _metadataBytesTotal -= _metadataBytes[slot];
        _idBytesTotal -= id.Length * sizeof(char);
        _metadata[slot] = null;
        _metadataBytes[slot] = 0;
        _ids[slot] = null;
        return true;
    }

    /// <summary>Repacks the live points into fresh segments in slot order, dropping tombstones.</summary>
    public void Compact()
    {
        if (DeadCount == 0)
        {
            return;
        }
        var live = new List<(string Id, float[] Vector, JsonElement? Metadata, int Bytes)>(LiveCount);
        for (var slot = 0; slot < SlotCount; slot++)
        {
            if (!IsDead(slot))
            {
                live.Add((_ids[slot]!, VectorAt(slot).ToArray(), _metadata[slot], _metadataBytes[slot]));
            }
        }
        _segments.Clear();
        _slotsById.Clear();
        _ids = new string?[Math.Max(16, live.Count)];
        _metadata = new JsonElement?[_ids.Length];
        _metadataBytes = new int[_ids.Length];
        _dead = new ulong[(_ids.Length + 63) >> 6];
        SlotCount = 0;
        _metadataBytesTotal = 0;
        _idBytesTotal = 0;
        // Slots are renumbered: the old graph's links point at the wrong slots, so the store rebuilds it.
        ResetGraph();
        foreach (var point in live)
        {
            Put(point.Id, point.Vector, point.Metadata, point.Bytes);
        }
    }

    /// <summary>Every live slot, in slot order.</summary>
    public IEnumerable<int> LiveSlots()
    {
        for (var slot = 0; slot < SlotCount; slot++)
        {
            if (!IsDead(slot)) yield return slot;
        }
    }

    /// <summary>Prepares a vector for storage and scoring: a copy, normalised to unit length for cosine.</summary>
    public float[] Prepare(ReadOnlySpan<float> vector)
    {
        var copy = vector.ToArray();
        if (Spec.Distance == Distance.Cosine)
        {
            var norm = TensorPrimitives.Norm(copy);
            if (norm > 0)
            {
                TensorPrimitives.Divide(copy, norm, copy);
            }
        }
        return copy;
    }

    private void EnsureCapacity(int slots)
    {
        // Full segments hold SegmentPoints; only the last one grows by doubling, so a small collection stays small.
        var needed = slots - ((_segments.Count - 1) * SegmentPoints);
        if (_segments.Count == 0 || needed > SegmentPoints)
        {
            _segments.Add(new float[Math.Min(SegmentPoints, Math.Max(16, slots - (_segments.Count * SegmentPoints))) * Dimension]);
        }
        else if (_segments[^1].Length < needed * Dimension)
        {
            var last = _segments[^1];
            Array.Resize(ref last, Math.Min(SegmentPoints, Math.Max(needed, last.Length / Dimension * 2)) * Dimension);
            _segments[^1] = last;
        }
        if (_ids.Length < slots)
        {
            var size = Math.Max(slots, _ids.Length * 2);
            Array.Resize(ref _ids, size);
            Array.Resize(ref _metadata, size);
            Array.Resize(ref _metadataBytes, size);
        }
        if (_dead.Length * 64 < slots)
        {
            Array.Resize(ref _dead, Math.Max((slots + 63) >> 6, _dead.Length * 2));
        }
    }
}
