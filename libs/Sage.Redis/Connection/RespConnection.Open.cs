using System.Net.Security;
using System.Net.Sockets;
using Sage.Redis.Protocol;

namespace Sage.Redis.Connection;

internal sealed partial class RespConnection
{
    /// <summary>Connects, negotiates TLS, starts the loops and runs AUTH / SELECT / CLIENT SETNAME.</summary>
    public static async Task<RespConnection> OpenAsync(RedisOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await socket.ConnectAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = options.SslHost ?? options.Host,
                    RemoteCertificateValidationCallback = options.CertificateValidation,
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            throw;
        }

        var connection = new RespConnection(socket, stream, options);
        connection.Start();
        try
        {
            await connection.HandshakeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        if (_options.Password is not null)
        {
            await (_options.User is null
                ? SendAsync("AUTH", [_options.Password], cancellationToken)
                : SendAsync("AUTH", [_options.User, _options.Password], cancellationToken)).ConfigureAwait(false);
        }

        if (_options.Database != 0)
        {
            await SendAsync("SELECT", [(long)_options.Database], cancellationToken).ConfigureAwait(false);
        }

        if (_options.ClientName is not null)
        {
            await SendAsync("CLIENT", ["SETNAME", _options.ClientName], cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<RedisReply> SendAsync(string name, ReadOnlySpan<RedisValue> args, CancellationToken cancellationToken)
    {
        var command = new RedisCommand(name);
        new RespWriter(command).WriteCommand(name, args);
        command.AttachCancellation(cancellationToken);
        if (TrySubmit(command) is { } rejection)
        {
            command.ReleaseBuffer();
            throw rejection;
        }

        return command.Task;
    }
}
