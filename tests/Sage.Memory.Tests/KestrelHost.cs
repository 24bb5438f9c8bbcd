using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Sage.Memory.Tests;

/// <summary>
/// One service hosted in-process on a real Kestrel port, so the others reach it over real HTTP. Stopping and starting it
/// again keeps the port, the way a restarted service comes back at the same address.
/// </summary>
public sealed class KestrelHost<TEntryPoint>(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    : IAsyncDisposable where TEntryPoint : class
{
    private HostFactory? _factory;

    public int Port { get; } = FreePort();

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public IServiceProvider Services => (_factory ?? throw new InvalidOperationException("The host is stopped.")).Services;

    public bool IsRunning => _factory is not null;

    public void Start()
    {
        var factory = new HostFactory(Port, settings, services);
        try
        {
            factory.StartServer();
        }
        catch
        {
            factory.Dispose();
            throw;
        }
        _factory = factory;
    }

    public async Task StopAsync()
    {
        if (_factory is { } factory)
        {
            _factory = null;
            await factory.DisposeAsync();
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        Start();
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class HostFactory : WebApplicationFactory<TEntryPoint>
    {
        private readonly IReadOnlyDictionary<string, string?> _settings;
        private readonly Action<IServiceCollection>? _services;

        public HostFactory(int port, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services)
        {
            _settings = settings;
            _services = services;
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in _settings)
                builder.UseSetting(key, value);
            if (_services is not null)
                builder.ConfigureTestServices(_services);
        }
    }
}
