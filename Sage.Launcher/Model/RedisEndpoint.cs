namespace Sage.Launcher.Model;

/// <summary>The Redis KV talks to: given with <c>--redis-url</c>, or a <c>redis-server</c> the launcher manages.</summary>
public sealed record RedisEndpoint(string Host, int Port, string? Password, bool Tls)
{
    /// <summary>Set when the launcher starts this Redis itself; its data goes here.</summary>
    public string? ManagedDataDirectory { get; init; }

    /// <summary>True when the data directory is temporary (no <c>--persist-dir</c>) and goes when the launcher stops.</summary>
    public bool DeleteDataOnStop { get; init; }

    /// <summary>True when the launcher starts this Redis itself.</summary>
    public bool IsManaged => ManagedDataDirectory is not null;

    /// <summary><c>host:port,password=…[,ssl=true]</c>, the form of Aspire's <c>RedisResource.BuildConnectionString</c>.</summary>
    public string ConnectionString =>
        $"{Host}:{Port}{(Password is null ? "" : $",password={Password}")}{(Tls ? ",ssl=true" : "")}";

    /// <summary><c>redis://:pw@host:port</c> (<c>rediss://</c> with TLS), the form of Aspire's <c>REDIS_URI</c>.</summary>
    public string Uri =>
        $"{(Tls ? "rediss" : "redis")}://{(Password is null ? "" : $":{System.Uri.EscapeDataString(Password)}@")}{Host}:{Port}";

    /// <summary>
    /// Parses <c>redis://[user][:password@]host[:port][/db]</c>, <c>rediss://…</c> or the connection-string form
    /// <c>host:port[,password=…][,ssl=true]</c>.
    /// </summary>
    public static RedisEndpoint Parse(string value)
    {
        var text = value.Trim();
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            if (!System.Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
                throw new LaunchException($"--redis-url '{value}' is not a valid redis:// URL.");
            var password = uri.UserInfo.Split(':', 2) switch
            {
                [_, var pw] when pw.Length > 0 => System.Uri.UnescapeDataString(pw),
                [var only] when only.Length > 0 => System.Uri.UnescapeDataString(only),
                _ => null,
            };
            return new RedisEndpoint(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port, password, uri.Scheme == "rediss");
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            throw new LaunchException("--redis-url is empty.");
        var (host, port) = SplitHostPort(parts[0], value);
        string? secret = null;
        var tls = false;
        foreach (var option in parts.Skip(1))
        {
            var pair = option.Split('=', 2);
            if (pair[0].Equals("password", StringComparison.OrdinalIgnoreCase) && pair.Length == 2)
                secret = pair[1];
            else if (pair[0].Equals("ssl", StringComparison.OrdinalIgnoreCase) && pair.Length == 2)
                tls = bool.TryParse(pair[1], out var on) && on;
        }
        return new RedisEndpoint(host, port, secret, tls);
    }

    private static (string Host, int Port) SplitHostPort(string hostPort, string original)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon < 0)
            return (hostPort, 6379);
        if (!int.TryParse(hostPort[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new LaunchException($"--redis-url '{original}' has an invalid port.");
        return (hostPort[..colon], port);
    }
}
