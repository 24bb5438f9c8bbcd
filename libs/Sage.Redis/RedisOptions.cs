using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Sage.Redis;

/// <summary>
/// Where and how to connect. Build one with <see cref="Parse"/> from either connection-string form Aspire
/// hands out, or set the properties directly. Do not change an instance after connecting with it.
/// </summary>
public sealed partial class RedisOptions
{
    /// <summary>The port Redis listens on unless told otherwise.</summary>
    public const int DefaultPort = 6379;

    /// <summary>Host name or IP address of the server.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>TCP port of the server.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>ACL user name; null means password-only AUTH (the <c>default</c> user).</summary>
    public string? User { get; set; }

    /// <summary>Password for AUTH; null means no AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>Speak TLS (<c>ssl=true</c> or a <c>rediss://</c> URI).</summary>
    public bool Ssl { get; set; }

    /// <summary>Name the server certificate must carry; defaults to <see cref="Host"/>.</summary>
    public string? SslHost { get; set; }

    /// <summary>
    /// Decides whether to accept the server certificate. Null means the platform's normal validation.
    /// Use <see cref="TrustCertificateAuthority"/> to trust one extra CA (such as a development certificate).
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }

    /// <summary>Database selected on every (re)connect.</summary>
    public int Database { get; set; }

    /// <summary>Name set with CLIENT SETNAME on every (re)connect; null sends nothing.</summary>
    public string? ClientName { get; set; }

    /// <summary>Limit for TCP connect, TLS handshake, AUTH and SELECT together.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a command may wait for its reply before it fails with <see cref="RedisTimeoutException"/>.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When true (the default, as in StackExchange.Redis), <see cref="RedisConnection.ConnectAsync(RedisOptions, CancellationToken)"/>
    /// throws if the first connect fails; when false it returns a connection that keeps retrying in the background.
    /// </summary>
    public bool AbortOnConnectFail { get; set; } = true;

    /// <summary>Commands sent but not yet answered, beyond which new commands are refused at once.</summary>
    public int MaxPendingCommands { get; set; } = 100_000;

    /// <summary>First delay before reconnecting; it doubles per failed attempt (with jitter).</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound for the delay between reconnect attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>host:port</c> for messages.</summary>
    public string Endpoint => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// Accepts server certificates that chain to <paramref name="authority"/> (in addition to normally valid ones);
    /// the host name must still match.
    /// </summary>
    public RedisOptions TrustCertificateAuthority(X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        CertificateValidation = (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
        return this;
    }

    /// <summary>A copy, so a connection is not affected by later changes to the original.</summary>
    public RedisOptions Clone() => (RedisOptions)MemberwiseClone();
}
