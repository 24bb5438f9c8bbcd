using System.Security.Cryptography;
using System.Text;

namespace Sage.Memory.Embeddings;

/// <summary>
/// The embeddings of recently seen texts, at most <c>capacity</c>, least recently used dropped first. Keyed by a SHA-256 of
/// model and text, so a long text costs 32 bytes of key and two models never share an entry. Hands out copies: a stored vector
/// may be kept by a vector store, and must never change under another memory.
/// </summary>
public sealed class EmbeddingCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, float[] Vector)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, float[] Vector)> _recency = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
                return _entries.Count;
        }
    }

    public static string KeyOf(string model, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(model + "\n" + text);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }

    public bool TryGet(string key, out float[] vector)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                vector = (float[])node.Value.Vector.Clone();
                return true;
            }
        }
        vector = [];
        return false;
    }

    public void Add(string key, float[] vector)
    {
        if (capacity == 0)
            return;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
                _recency.Remove(existing);
            else if (_entries.Count >= capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
            _entries[key] = _recency.AddFirst((key, (float[])vector.Clone()));
        }
    }
}
