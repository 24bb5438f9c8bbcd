using System.Threading.Channels;

namespace Sage.Memory.Memories;

/// <summary>Keys of memories found dead on a request path, cleaned up off it by <see cref="MemoryJanitor"/>.</summary>
public sealed class MemoryCleanupQueue
{
    // Bounded: under a flood of orphans, dropping some is fine, since the next discovery or sweep finds them again.
    private readonly Channel<string> _keys = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Enqueue(string key) => _keys.Writer.TryWrite(key);

    public ChannelReader<string> Reader => _keys.Reader;
}
