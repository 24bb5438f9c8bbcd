using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Sage.Redis.Protocol;

namespace Sage.Redis.Connection;

/// <summary>
/// One socket to the server. Callers enqueue encoded commands; a single writer loop drains them into the
/// pipe and flushes once per batch; a single reader loop parses replies and completes commands in FIFO order.
/// Once broken it stays broken: <see cref="RedisConnection"/> replaces it.
/// </summary>
internal sealed partial class RespConnection : IAsyncDisposable
{
    // Flush early when a batch grows past this, so a burst of large values does not buffer without bound.
    private const long MaxUnflushedBytes = 1024 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Channel<RedisCommand> _outbound;
    private readonly Queue<RedisCommand> _pending = new();
    private readonly Lock _sync = new();
    private readonly RedisOptions _options;
    private readonly long _timeoutTicks;
    private readonly Timer _timeoutTimer;
    private Action<RespConnection, Exception>? _onFailed;
    private Exception? _failure;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;

    private RespConnection(Socket socket, Stream stream, RedisOptions options)
    {
        _socket = socket;
        _stream = stream;
        _options = options;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        _outbound = Channel.CreateBounded<RedisCommand>(new BoundedChannelOptions(options.MaxPendingCommands)
        {
            SingleReader = true,
            SingleWriter = true, // every write happens under _sync
            FullMode = BoundedChannelFullMode.Wait,
        });
        _timeoutTicks = (long)(options.CommandTimeout.TotalSeconds * Stopwatch.Frequency);
        var period = TimeSpan.FromTicks(Math.Clamp(options.CommandTimeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerMillisecond * 500));
        _timeoutTimer = new Timer(static state => ((RespConnection)state!).ExpireTimedOutCommands(), this, period, period);
    }

    /// <summary>False once the socket broke or the connection was disposed.</summary>
    public bool IsAlive => Volatile.Read(ref _failure) is null;

    /// <summary>Why the connection broke, once it has.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Registers who is told (once) when the connection breaks; told at once if it already has.</summary>
    public void OnFailed(Action<RespConnection, Exception> callback)
    {
        Volatile.Write(ref _onFailed, callback);
        if (Failure is { } failure && Interlocked.Exchange(ref _onFailed, null) is { } notify)
        {
            notify(this, failure);
        }
    }

    /// <summary>Queues a command for sending, or returns why it cannot be sent.</summary>
    public Exception? TrySubmit(RedisCommand command)
    {
        lock (_sync)
        {
            if (_failure is not null)
            {
                return new RedisConnectionException($"The connection to {_options.Endpoint} is broken: {_failure.Message}", _failure);
            }

            if (_pending.Count >= _options.MaxPendingCommands)
            {
                return new RedisConnectionException(
                    $"Too many commands pending on {_options.Endpoint} ({_pending.Count}); refusing more until replies arrive.");
            }

            command.Deadline = Stopwatch.GetTimestamp() + _timeoutTicks;
            _pending.Enqueue(command);
            _outbound.Writer.TryWrite(command);
            return null;
        }
    }

    /// <summary>Breaks the connection: every pending command fails with <see cref="RedisConnectionException"/>.</summary>
    public void Fail(Exception reason)
    {
        RedisCommand[] orphans;
        lock (_sync)
        {
            if (_failure is not null)
            {
                return;
            }

            Volatile.Write(ref _failure, reason);
            _outbound.Writer.TryComplete();
            orphans = [.. _pending];
            _pending.Clear();
        }

        _timeoutTimer.Dispose();
        var error = reason as RedisConnectionException
            ?? new RedisConnectionException($"The connection to {_options.Endpoint} was lost: {reason.Message}", reason);
        foreach (var command in orphans)
        {
            command.Fail(error);
        }

        // Closing the socket ends both loops.
        _input.CancelPendingRead();
        _socket.Dispose();
        if (Interlocked.Exchange(ref _onFailed, null) is { } notify)
        {
            notify(this, error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Fail(new RedisConnectionException($"The connection to {_options.Endpoint} was closed."));
        try
        {
            await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(false);
        }
        finally
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Start()
    {
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    private async Task WriteLoopAsync()
    {
        var commands = _outbound.Reader;
        try
        {
            while (await commands.WaitToReadAsync().ConfigureAwait(false))
            {
                while (commands.TryRead(out var command))
                {
                    command.WriteTo(_output);
                    if (_output.UnflushedBytes > MaxUnflushedBytes)
                    {
                        await FlushAsync().ConfigureAwait(false);
                    }
                }

                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            // After Fail the channel is complete, so this drains what was left exactly once.
            while (commands.TryRead(out var leftover))
            {
                leftover.ReleaseBuffer();
            }
        }
    }

    private async ValueTask FlushAsync()
    {
        var result = await _output.FlushAsync().ConfigureAwait(false);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException("The server stopped accepting data.");
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (RespReader.TryRead(buffer, out var reply, out var consumed))
                {
                    buffer = buffer.Slice(consumed);
                    Dispatch(reply);
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    Fail(new RedisConnectionException($"The server at {_options.Endpoint} closed the connection."));
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void Dispatch(in RedisReply reply)
    {
        RedisCommand? command;
        lock (_sync)
        {
            _pending.TryDequeue(out command);
        }

        if (command is null)
        {
            throw new RedisProtocolException($"Received a reply nobody asked for: {reply}.");
        }

        command.Complete(reply);
    }

    private void ExpireTimedOutCommands()
    {
        List<RedisCommand>? expired = null;
        var now = Stopwatch.GetTimestamp();
        int pendingCount;
        lock (_sync)
        {
            pendingCount = _pending.Count;
            foreach (var command in _pending)
            {
                // Deadlines grow in queue order, so the first live one ends the scan.
                if (command.Deadline > now)
                {
                    break;
                }

                if (!command.Task.IsCompleted)
                {
                    (expired ??= []).Add(command);
                }
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var command in expired)
        {
            // The command keeps its place in the queue: its late reply must still be matched and dropped.
            command.Fail(new RedisTimeoutException(
                $"{command.Name} got no reply from {_options.Endpoint} within {_options.CommandTimeout.TotalMilliseconds:0} ms " +
                $"({pendingCount} commands pending)."));
        }
    }
}
