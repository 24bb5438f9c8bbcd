namespace Sage.Memory.Memories;

/// <summary>
/// Serializes the writes of one memory key inside this process: a fixed set of stripes, so memory stays bounded whatever the
/// number of keys (two keys sharing a stripe only wait for each other). Across replicas the record version does the job
/// (see <see cref="MemoryStore"/>); this lock only makes the common single-process case free of retries and transient orphans.
/// </summary>
public sealed class MemoryKeyLocks
{
    private const int Stripes = 1024;

    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async ValueTask<Held> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % Stripes)];
        await stripe.WaitAsync(cancellationToken);
        return new Held(stripe);
    }

    public readonly struct Held(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
