using System.Globalization;

namespace Sage.Redis;

public sealed partial class RedisOptions
{
    /// <summary>
    /// Parses a StackExchange-style string (<c>host:port,password=…,user=…,ssl=true,defaultDatabase=2,connectTimeout=5000,
    /// syncTimeout=…,asyncTimeout=…,abortConnect=false,name=…,sslHost=…</c>; unknown options are ignored) or a
    /// <c>redis://[user:password@]host:port[/db]</c> / <c>rediss://</c> URI (percent-decoded).
    /// </summary>
    /// <exception cref="FormatException">The string is malformed; the message names the bad part.</exception>
    public static RedisOptions Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var text = connectionString.Trim();
        if (text.Length == 0)
        {
            throw new FormatException("The Redis connection string is empty.");
        }

        return text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ||
               text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase)
            ? ParseUri(text)
            : ParseConfiguration(text);
    }

    private static RedisOptions ParseConfiguration(string text)
    {
        var options = new RedisOptions();
        var haveEndpoint = false;
        TimeSpan? syncTimeout = null, asyncTimeout = null;
        foreach (var rawPart in text.Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                // Several endpoints are legal in StackExchange form; this client talks to the first.
                if (!haveEndpoint)
                {
                    (options.Host, options.Port) = ParseEndpoint(part);
                    haveEndpoint = true;
                }

                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            switch (key.ToLowerInvariant())
            {
                case "":
                    throw new FormatException($"Redis connection string part '{part}' has no option name before '='.");
                case "password":
                    options.Password = value;
                    break;
                case "user":
                    options.User = value.Length == 0 ? null : value;
                    break;
                case "ssl":
                    options.Ssl = ParseBool(key, value);
                    break;
                case "sslhost":
                    options.SslHost = value.Length == 0 ? null : value;
                    break;
                case "defaultdatabase":
                    options.Database = ParseInt(key, value);
                    break;
                case "connecttimeout":
                    options.ConnectTimeout = ParseMilliseconds(key, value);
                    break;
                case "synctimeout":
                    syncTimeout = ParseMilliseconds(key, value);
                    break;
                case "asynctimeout":
                    asyncTimeout = ParseMilliseconds(key, value);
                    break;
                case "abortconnect":
                    options.AbortOnConnectFail = ParseBool(key, value);
                    break;
                case "name":
                    options.ClientName = value.Length == 0 ? null : value;
                    break;
            }
        }

        if (!haveEndpoint)
        {
            throw new FormatException($"Redis connection string has no endpoint (expected 'host:port' first).");
        }

        options.CommandTimeout = asyncTimeout ?? syncTimeout ?? options.CommandTimeout;
        return options;
    }

    private static RedisOptions ParseUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new FormatException("Redis URI is not a valid absolute URI with a host (expected redis://[user:password@]host:port[/db]).");
        }

        var options = new RedisOptions
        {
            Host = uri.DnsSafeHost,
            Port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
            Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase),
        };

        var userInfo = uri.GetComponents(UriComponents.UserInfo, UriFormat.UriEscaped);
        if (userInfo.Length > 0)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                // redis://secret@host: a lone user-info part is the password, since AUTH needs one.
                options.Password = Uri.UnescapeDataString(userInfo);
            }
            else
            {
                var user = Uri.UnescapeDataString(userInfo[..colon]);
                options.User = user.Length == 0 ? null : user;
                options.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var database))
            {
                throw new FormatException($"Redis URI path '/{path}' is not a database number.");
            }

            options.Database = database;
        }

        return options;
    }

    private static (string Host, int Port) ParseEndpoint(string part)
    {
        string host;
        string? port = null;
        if (part.StartsWith('['))
        {
            var close = part.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < part.Length && part[close + 1] != ':'))
            {
                throw new FormatException($"Redis endpoint '{part}' is not a valid [IPv6]:port.");
            }

            host = part[1..close];
            port = close + 1 < part.Length ? part[(close + 2)..] : null;
        }
        else
        {
            var colon = part.LastIndexOf(':');
            var bareIPv6 = colon >= 0 && part.IndexOf(':', StringComparison.Ordinal) != colon;
            host = colon < 0 || bareIPv6 ? part : part[..colon];
            port = colon < 0 || bareIPv6 ? null : part[(colon + 1)..];
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            throw new FormatException($"Redis endpoint '{part}' does not start with a valid host name.");
        }

        if (port is null)
        {
            return (host, DefaultPort);
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new FormatException($"Redis endpoint '{part}' has an invalid port '{port}'.");
        }

        return (host, number);
    }

    private static bool ParseBool(string key, string value) => bool.TryParse(value, out var result)
        ? result
        : throw new FormatException($"Redis option '{key}' must be true or false, not '{value}'.");

    private static int ParseInt(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new FormatException($"Redis option '{key}' must be a non-negative integer, not '{value}'.");

    private static TimeSpan ParseMilliseconds(string key, string value) => TimeSpan.FromMilliseconds(ParseInt(key, value));
}
