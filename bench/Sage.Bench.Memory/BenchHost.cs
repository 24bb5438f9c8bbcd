using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Sage.Bench.Memory;

/// <summary>One service in this process on a real Kestrel port, configured by the settings given.</summary>
internal sealed class BenchHost<TEntryPoint> : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public BenchHost(IReadOnlyDictionary<string, string?> settings)
    {
        // Outside a test project the factory cannot find the service's folder by itself; point it at services/<assembly>.
        var name = typeof(TEntryPoint).Assembly.GetName().Name!;
        Environment.SetEnvironmentVariable($"ASPNETCORE_TEST_CONTENTROOT_{name.ToUpperInvariant().Replace('.', '_')}", Path.Combine(RepositoryRoot(), "services", name));
        _settings = settings;
        Port = FreePort();
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port));
        StartServer();
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
