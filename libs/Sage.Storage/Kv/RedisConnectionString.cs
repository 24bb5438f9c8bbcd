using System.Globalization;
using StackExchange.Redis;

namespace Sage.Storage.Kv;

/// <summary>
/// A Redis connection setting in either accepted form, as StackExchange.Redis takes it: the StackExchange form
/// (<c>host:port[,host2:port2…][,password=…][,ssl=true]</c>, what Aspire injects) passes through unchanged; the URI form
/// (<c>redis[s]://[[user]:password@]host[:port][/db]</c>, SAGE's <c>SAGE_REDIS_URL</c> and Aspire's <c>REDIS_URI</c>), which
/// StackExchange.Redis does not parse, becomes <see cref="Configuration"/> plus the credentials, kept apart so a password
/// may hold any character (the StackExchange form cannot carry a comma). Not a record: its text must never print a password.
/// </summary>
public sealed class RedisConnectionString
{
    private const int DefaultPort = 6379;

    private RedisConnectionString(string configuration, string? user, string? password)
    {
        Configuration = configuration;
        User = user;
        Password = password;
    }

    /// <summary>The StackExchange form: endpoints and options (with the password only when it was written in this form).</summary>
    public string Configuration { get; }

    /// <summary>The ACL user from the URI form, if any.</summary>
    public string? User { get; }

    /// <summary>The password from the URI form, if any.</summary>
    public string? Password { get; }

    /// <summary>Reads either form.</summary>
    /// <exception cref="FormatException">The value is empty, or a URI that is not <c>redis[s]://host[:port][/db]</c>.</exception>
    public static RedisConnectionString Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (text.Length == 0)
        {
            throw new FormatException("The Redis connection string is empty.");
        }

        var isUri = text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);
        return isUri ? FromUri(text) : new RedisConnectionString(text, null, null);
    }

    /// <summary>StackExchange.Redis options for this connection: <see cref="Configuration"/> parsed, then <see cref="ApplyTo"/>.</summary>
    public ConfigurationOptions ToOptions()
    {
        var options = ConfigurationOptions.Parse(Configuration);
        ApplyTo(options);
        return options;
    }

    /// <summary>
    /// Completes options parsed from <see cref="Configuration"/>: the URI's user and password, and KV's outage policy. The
    /// connection does not abort when Redis is down at start, and while it is disconnected commands fail at once instead of
    /// queueing until the timeout, so a request answers 503 promptly and the client keeps reconnecting by itself.
    /// </summary>
    public void ApplyTo(ConfigurationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (User is not null)
        {
            options.User = User;
        }

        if (Password is not null)
        {
            options.Password = Password;
        }

        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
    }

    private static RedisConnectionString FromUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new FormatException("The Redis URI is not redis[s]://[[user]:password@]host[:port][/db].");
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.DnsSafeHost}]" : uri.DnsSafeHost;
        var port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port;
        var configuration = string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");
        if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase))
        {
            configuration += ",ssl=true";
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var database))
            {
                throw new FormatException($"The Redis URI path '/{path}' is not a database number.");
            }

            configuration += string.Create(CultureInfo.InvariantCulture, $",defaultDatabase={database}");
        }

        string? user = null, password = null;
        var userInfo = uri.GetComponents(UriComponents.UserInfo, UriFormat.UriEscaped);
        if (userInfo.Length > 0)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                // redis://secret@host: a lone user-info part is the password, since AUTH needs one.
                password = Uri.UnescapeDataString(userInfo);
            }
            else
            {
                var name = Uri.UnescapeDataString(userInfo[..colon]);
                user = name.Length == 0 ? null : name;
                password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        return new RedisConnectionString(configuration, user, password);
    }
}
