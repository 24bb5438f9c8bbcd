using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sage.ServiceDefaults.Tests;

/// <summary>Small in-process web apps: a service with the defaults, and a plain backend for clients to call.</summary>
internal static class TestApps
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static WebApplicationBuilder CreateBuilder(IDictionary<string, string?>? configuration = null, bool kestrel = false, string environment = "Production")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = "Sage.ServiceDefaults.Tests",
        });
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        if (kestrel)
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        else
            builder.WebHost.UseTestServer();
        return builder;
    }

    /// <summary>Adds the service defaults, maps the default endpoints and <paramref name="map"/>, and starts the app.</summary>
    public static async Task<WebApplication> StartServiceAsync(WebApplicationBuilder builder, Action<WebApplication>? map = null)
    {
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.UseSageHttpConventions();
        app.MapDefaultEndpoints();
        map?.Invoke(app);
        await app.StartAsync().WaitAsync(Timeout);
        return app;
    }

    /// <summary>A plain Kestrel app on a free port, without the defaults: the thing under test calls it.</summary>
    public static async Task<WebApplication> StartBackendAsync(Action<WebApplication> map)
    {
        var builder = CreateBuilder(kestrel: true);
        var app = builder.Build();
        map(app);
        await app.StartAsync().WaitAsync(Timeout);
        return app;
    }

    public static Uri Address(this WebApplication app) => new(app.Urls.First());
}
