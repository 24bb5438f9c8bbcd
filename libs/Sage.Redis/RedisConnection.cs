using Sage.Redis.Connection;
using Sage.Redis.Protocol;

namespace Sage.Redis;

/// <summary>
/// A multiplexed, pipelined connection to one Redis server, safe for any number of concurrent callers.
/// It reconnects by itself (exponential backoff with jitter) when the server goes away; while it is
/// disconnected, commands fail at once with <see cref="RedisConnectionException"/>.
/// Do not send SELECT, MULTI or blocking commands meant to change the shared connection's state.
/// </summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly CancellationTokenSource _disposal = new();
    private RespConnection? _current;
    private Exception? _lastError;
    private int _reconnecting;

    private RedisConnection(RedisOptions options) => _options = options;

    /// <summary>Raised (on the thread pool) when the link to the server breaks.</summary>
    public event EventHandler<RedisConnectionEventArgs>? ConnectionFailed;

    /// <summary>Raised (on the thread pool) when a reconnect succeeded.</summary>
    public event EventHandler<RedisConnectionEventArgs>? ConnectionRestored;

    /// <summary>True while a socket to the server is up and authenticated.</summary>
    public bool IsConnected => Volatile.Read(ref _current) is { IsAlive: true };

    /// <summary>The server, as <c>host:port</c>.</summary>
    public string Endpoint => _options.Endpoint;

    /// <summary>Connects using a StackExchange-style connection string or a <c>redis://</c> / <c>rediss://</c> URI.</summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    /// <exception cref="RedisConnectionException">The server cannot be reached and <c>abortConnect</c> is not false.</exception>
    public static Task<RedisConnection> ConnectAsync(string connectionString, CancellationToken cancellationToken = default) =>
        ConnectAsync(RedisOptions.Parse(connectionString), cancellationToken);

    /// <summary>Connects to the server the options describe.</summary>
    /// <exception cref="RedisConnectionException">The server cannot be reached and <see cref="RedisOptions.AbortOnConnectFail"/> is true.</exception>
    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new RedisConnection(options.Clone());
        try
        {
            connection.Publish(await connection.OpenAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (RedisConnectionException ex) when (!options.AbortOnConnectFail)
        {
            connection._lastError = ex;
            _ = connection.ReconnectAsync();
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>
    /// Sends any command and returns its reply. An error reply throws <see cref="RedisServerException"/>
    /// (errors nested inside an array reply stay as <see cref="RedisReplyKind.Error"/> elements).
    /// </summary>
    public Task<RedisReply> ExecuteAsync(string command, params ReadOnlySpan<RedisValue> args) =>
        ExecuteAsync(command, args, CancellationToken.None);

    /// <inheritdoc cref="ExecuteAsync(string, ReadOnlySpan{RedisValue})"/>
    public Task<RedisReply> ExecuteAsync(string command, ReadOnlySpan<RedisValue> args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        var pending = new RedisCommand(command);
        new RespWriter(pending).WriteCommand(command, args);
        return SendAsync(pending, cancellationToken);
    }

    /// <summary>Closes the socket; commands still waiting fail with <see cref="RedisConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposal.IsCancellationRequested)
        {
            return;
        }

        await _disposal.CancelAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _current, null) is { } current)
        {
            await current.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts a command built by one of the typed methods.</summary>
    internal Task<RedisReply> SendAsync(RedisCommand command, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            command.ReleaseBuffer();
            return Task.FromCanceled<RedisReply>(cancellationToken);
        }

        if (_disposal.IsCancellationRequested)
        {
            command.ReleaseBuffer();
            throw new ObjectDisposedException(nameof(RedisConnection));
        }

        var current = Volatile.Read(ref _current);
        var rejection = current is null
            ? new RedisConnectionException(
                $"Not connected to {_options.Endpoint}; reconnecting in the background. Last error: {_lastError?.Message ?? "none"}",
                _lastError)
            : current.TrySubmit(command);
        if (rejection is not null)
        {
            command.ReleaseBuffer();
            return Task.FromException<RedisReply>(rejection);
        }

        if (cancellationToken.CanBeCanceled)
        {
            command.AttachCancellation(cancellationToken);
        }

        return command.Task;
    }

    private async Task<RespConnection> OpenAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposal.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            return await RespConnection.OpenAsync(_options, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_disposal.IsCancellationRequested)
        {
            throw new RedisConnectionException(
                $"Could not connect to {_options.Endpoint} within {_options.ConnectTimeout.TotalMilliseconds:0} ms.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not RedisConnectionException)
        {
            throw new RedisConnectionException($"Could not connect to {_options.Endpoint}: {ex.Message}", ex);
        }
    }

    private void Publish(RespConnection connection)
    {
        Volatile.Write(ref _current, connection);
        if (_disposal.IsCancellationRequested)
        {
            _ = connection.DisposeAsync().AsTask();
            return;
        }

        // Registered after publishing so a failure in between is still reported (OnFailed fires at once then).
        connection.OnFailed(OnConnectionFailed);
    }

    private void OnConnectionFailed(RespConnection connection, Exception error)
    {
        if (Interlocked.CompareExchange(ref _current, null, connection) != connection)
        {
            return;
        }

        _lastError = error;
        Raise(ConnectionFailed, error);
        _ = connection.DisposeAsync().AsTask();
        if (!_disposal.IsCancellationRequested)
        {
            _ = ReconnectAsync();
        }
    }

    private async Task ReconnectAsync()
    {
        if (Interlocked.Exchange(ref _reconnecting, 1) == 1)
        {
            return;
        }

        for (var attempt = 0; !_disposal.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(Backoff(attempt), _disposal.Token).ConfigureAwait(false);
                var connection = await OpenAsync(_disposal.Token).ConfigureAwait(false);
                // Cleared before publishing, so a connection that dies right away can start a new loop.
                Volatile.Write(ref _reconnecting, 0);
                Publish(connection);
                Raise(ConnectionRestored, null);
                return;
            }
            catch (OperationCanceledException) when (_disposal.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _lastError = ex;
            }
        }

        Volatile.Write(ref _reconnecting, 0);
    }

    private TimeSpan Backoff(int attempt)
    {
        var min = _options.ReconnectMinDelay.TotalMilliseconds;
        var max = Math.Max(min, _options.ReconnectMaxDelay.TotalMilliseconds);
        var delay = Math.Min(max, min * Math.Pow(2, Math.Min(attempt, 30)));
        // "Equal jitter": half fixed, half random, so many clients do not reconnect in lockstep.
        return TimeSpan.FromMilliseconds((delay / 2) + (Random.Shared.NextDouble() * delay / 2));
    }

    private void Raise(EventHandler<RedisConnectionEventArgs>? handler, Exception? error)
    {
        if (handler is null)
        {
            return;
        }

        var args = new RedisConnectionEventArgs(_options.Endpoint, error);
        ThreadPool.QueueUserWorkItem(_ =>
        {
            try
            {
                handler(this, args);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A faulty health-check handler must not take the process down from a thread-pool thread.
            }
        });
    }
}
