using System.Numerics.Tensors;

namespace Sage.Bench.Vectors;

/// <summary>
/// The baseline: the same exact top-k done by hand over one contiguous float[] (unit vectors, so cosine = dot),
/// split across cores at the same size as the engine, so the comparison isolates the engine's own overhead.
/// </summary>
internal sealed class RawScan(float[] data, int dimension, int parallelThreshold)
{
    private readonly int _count = data.Length / dimension;

    public (int Index, float Score)[] TopK(float[] query, int k)
    {
        if (_count < parallelThreshold || Environment.ProcessorCount == 1)
        {
            return Sorted(Scan(query, k, 0, _count));
        }
        var chunks = Environment.ProcessorCount * 2;
        var perChunk = (_count + chunks - 1) / chunks;
        var partial = new PriorityQueue<int, float>[chunks];
        Parallel.For(0, chunks, c => partial[c] = Scan(query, k, c * perChunk, Math.Min(_count, (c + 1) * perChunk)));
        var merged = new PriorityQueue<int, float>(k + 1);
        foreach (var heap in partial)
        {
            foreach (var (index, score) in heap.UnorderedItems)
            {
                Offer(merged, k, index, score);
            }
        }
        return Sorted(merged);
    }

    /// <summary>Exact reference in double precision, for recall.</summary>
    public int[] BruteForce(float[] query, int k) =>
        Enumerable.Range(0, _count)
            .Select(i =>
            {
                double dot = 0;
                for (var j = 0; j < dimension; j++) dot += query[j] * (double)data[(i * dimension) + j];
                return (i, dot);
            })
            .OrderByDescending(p => p.dot)
            .Take(k)
            .Select(p => p.i)
            .ToArray();

    private PriorityQueue<int, float> Scan(float[] query, int k, int from, int to)
    {
        var heap = new PriorityQueue<int, float>(k + 1);
        for (var i = from; i < to; i++)
        {
            Offer(heap, k, i, TensorPrimitives.Dot(query, new ReadOnlySpan<float>(data, i * dimension, dimension)));
        }
        return heap;
    }

    private static void Offer(PriorityQueue<int, float> heap, int k, int index, float score)
    {
        if (heap.Count < k)
        {
            heap.Enqueue(index, score);
        }
        else if (heap.TryPeek(out _, out var worst) && score > worst)
        {
            heap.EnqueueDequeue(index, score);
        }
    }

    private static (int, float)[] Sorted(PriorityQueue<int, float> heap) =>
        heap.UnorderedItems.OrderByDescending(p => p.Priority).Select(p => (p.Element, p.Priority)).ToArray();
}
