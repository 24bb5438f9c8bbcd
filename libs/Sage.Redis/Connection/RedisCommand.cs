using System.Buffers;
using System.IO.Pipelines;

namespace Sage.Redis.Connection;

/// <summary>
/// One command in flight: its encoded bytes (in a pooled buffer) and the completion its caller awaits.
/// Deriving from the completion source keeps a command to a single allocation besides its buffer.
/// </summary>
internal sealed class RedisCommand : TaskCompletionSource<RedisReply>, IBufferWriter<byte>
{
    private const int InitialBufferSize = 256;

    private byte[] _buffer;
    private int _length;
    private CancellationTokenRegistration _cancellation;

    public RedisCommand(string name)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Name = name;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    /// <summary>The command name, for timeout messages.</summary>
    public string Name { get; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp after which the command times out.</summary>
    public long Deadline { get; set; }

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_length);
    }

    /// <summary>Copies the encoded command to the socket's pipe and gives the buffer back to the pool.</summary>
    public void WriteTo(PipeWriter output)
    {
        output.Write(_buffer.AsSpan(0, _length));
        ReleaseBuffer();
    }

    public void ReleaseBuffer()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void AttachCancellation(CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken.UnsafeRegister(
            static (state, token) => ((RedisCommand)state!).TrySetCanceled(token), this);
        if (Task.IsCompleted)
        {
            _cancellation.Unregister();
        }
    }

    /// <summary>Completes with the server's reply; a top-level error reply becomes a <see cref="RedisServerException"/>.</summary>
    public void Complete(in RedisReply reply)
    {
        if (reply.IsError)
        {
            TrySetException(new RedisServerException(reply.ErrorMessage!));
        }
        else
        {
            TrySetResult(reply);
        }

        _cancellation.Unregister();
    }

    public void Fail(Exception error)
    {
        TrySetException(error);
        _cancellation.Unregister();
    }

    private void Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _length >= needed)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }
}
