namespace Sage.Testing;

/// <summary>A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI.</summary>
internal sealed record RedisServerCertificates(string CaCertificatePath, string CertificatePath, string KeyPath)
{
    public static async Task<RedisServerCertificates> CreateAsync(string directory, CancellationToken cancellationToken)
    {
        var ca = Path.Combine(directory, "ca.crt");
        var caKey = Path.Combine(directory, "ca.key");
        var cert = Path.Combine(directory, "redis.crt");
        var key = Path.Combine(directory, "redis.key");
        var request = Path.Combine(directory, "redis.csr");
        var extensions = Path.Combine(directory, "redis.ext");
        await File.WriteAllTextAsync(extensions,
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n", cancellationToken);

        await OpenSslAsync(cancellationToken, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", caKey, "-out", ca, "-days", "2", "-subj", "/CN=Sage Test Redis CA");
        await OpenSslAsync(cancellationToken, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", request, "-subj", "/CN=localhost");
        await OpenSslAsync(cancellationToken, "x509", "-req", "-in", request, "-CA", ca, "-CAkey", caKey, "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", extensions);
        return new RedisServerCertificates(ca, cert, key);
    }

    private static Task OpenSslAsync(CancellationToken cancellationToken, params string[] args) =>
        CommandLineTool.RunAsync("openssl", args, cancellationToken);
}
