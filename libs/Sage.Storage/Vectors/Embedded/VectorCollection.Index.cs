using System.Text.Json;

namespace Sage.Storage.Vectors.Embedded;

internal sealed partial class VectorCollection
{
    /// <summary>
    /// Below this many live points an HNSW collection is still scanned exactly: the scan is already sub-millisecond
    /// there and is the ground truth, so the graph could only lose recall.
    /// </summary>
    public const int GraphMinPoints = 1024;

    /// <summary>
    /// A filter estimated to keep less than this fraction of the points is answered by an exact scan of the matches:
    /// a graph walk would have to visit about k / fraction nodes and loses connectivity through the non-matching ones.
    /// </summary>
    public const double GraphMinFilterFraction = 0.1;

    /// <summary>Points sampled (evenly spaced) to estimate a filter's selectivity.</summary>
    private const int FilterSampleSize = 1024;

    /// <summary>The graph when the collection is HNSW-indexed; replaced (unbuilt) after compaction, since slots move.</summary>
    public HnswGraph? Graph { get; private set; }

    public VectorIndexInfo IndexInfo
    {
        get
        {
            var index = Spec.Index ?? new VectorIndexSpec();
            if (Graph is not { } graph)
            {
                return new VectorIndexInfo(index.Type, index.M, index.EfConstruct, "ready", 1);
            }
            return graph.Ready
                ? new VectorIndexInfo(index.Type, index.M, index.EfConstruct, "ready", 1)
                : new VectorIndexInfo(index.Type, index.M, index.EfConstruct, "building", SlotCount == 0 ? 0 : (double)graph.Inserted / SlotCount);
        }
    }

    /// <summary>Starts an empty, unbuilt graph for an HNSW collection; the caller then builds it (<see cref="BuildGraphStep"/>).</summary>
    public HnswGraph? ResetGraph()
    {
        Graph = Spec.Index is { Type: VectorIndexType.Hnsw } index ? new HnswGraph(this, index.M, index.EfConstruct) : null;
        return Graph;
    }

    /// <summary>
    /// Inserts up to <paramref name="count"/> more slots into <paramref name="graph"/>; marks it ready when every slot is in.
    /// The caller holds the read lock: queries keep running (exactly) and writers wait at most one step.
    /// Returns false when the graph is finished or was replaced.
    /// </summary>
    public bool BuildGraphStep(HnswGraph graph, int count)
    {
        if (!ReferenceEquals(Graph, graph) || graph.Ready || Dropped) return false;
        for (var i = 0; i < count && graph.Inserted < SlotCount; i++)
        {
            graph.InsertNext();
        }
        // Under the read lock no writer runs, so SlotCount cannot move between this check and the flag.
        if (graph.Inserted == SlotCount)
        {
            graph.Ready = true;
            return false;
        }
        return true;
    }

    /// <summary>Keeps a ready graph in step with a write (caller holds the write lock).</summary>
    private void OnPut(int slot, bool isNew, bool vectorChanged)
    {
        if (Graph is not { } graph) return;
        if (isNew)
        {
            // An unbuilt graph picks the new slot up itself when the build reaches it.
            if (graph.Ready && slot == graph.Inserted) graph.InsertNext();
        }
        else if (vectorChanged)
        {
            graph.Relink(slot);
        }
    }

    /// <summary>True when this query may use the graph instead of the exact scan.</summary>
    private bool UseGraph(bool exact, Func<string, JsonElement?, bool>? filter) =>
        !exact && Graph is { Ready: true } && LiveCount >= GraphMinPoints && (filter is null || EstimateFilterFraction(filter) >= GraphMinFilterFraction);

    /// <summary>The fraction of live points a filter keeps, from an evenly spaced sample (deterministic, so the same query takes the same path).</summary>
    private double EstimateFilterFraction(Func<string, JsonElement?, bool> filter)
    {
        var step = Math.Max(1, SlotCount / FilterSampleSize);
        int sampled = 0, matched = 0;
        for (var slot = 0; slot < SlotCount; slot += step)
        {
            if (IsDead(slot)) continue;
            sampled++;
            if (filter(_ids[slot]!, _metadata[slot])) matched++;
        }
        return sampled == 0 ? 0 : (double)matched / sampled;
    }
}
