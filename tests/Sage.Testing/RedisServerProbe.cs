using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Sage.Testing;

/// <summary>Asks a starting redis-server for PONG with raw RESP, so the fixture needs no client library.</summary>
internal static class RedisServerProbe
{
    public static async Task<bool> AnswersPingAsync(string host, int port, RedisServerOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cancellationToken);
            Stream stream = client.GetStream();
            if (options.Tls)
            {
                // Only probing liveness here; the tests themselves validate the certificate properly.
                var ssl = new SslStream(stream, false, (_, _, _, _) => true);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cancellationToken);
                stream = ssl;
            }

            await using (stream)
            {
                var request = options.Password is null
                    ? "*1\r\n$4\r\nPING\r\n"
                    : $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(options.Password)}\r\n{options.Password}\r\n*1\r\n$4\r\nPING\r\n";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(request), cancellationToken);
                var received = new StringBuilder();
                var buffer = new byte[256];
                while (!received.ToString().Contains("+PONG", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, cancellationToken);
                    if (read == 0)
                    {
                        return false;
                    }

                    received.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    if (received.ToString().Contains("-LOADING", StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                return true;
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException)
        {
            return false;
        }
    }
}
