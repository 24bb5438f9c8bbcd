using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sage.ServiceDefaults.Tests.Http;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_names_every_check_and_is_503_when_one_is_unhealthy()
    {
        var builder = TestApps.CreateBuilder();
        builder.Services.AddHealthChecks().AddCheck("kv", () => HealthCheckResult.Unhealthy("kv is down"));
        await using var app = await TestApps.StartServiceAsync(builder);

        var response = await app.GetTestClient().GetAsync("/health", TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("self").GetProperty("status").GetString());
        Assert.Equal("kv is down", checks.GetProperty("kv").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Alive_ignores_checks_that_are_not_tagged_live()
    {
        var builder = TestApps.CreateBuilder();
        builder.Services.AddHealthChecks().AddCheck("kv", () => HealthCheckResult.Unhealthy("kv is down"));
        await using var app = await TestApps.StartServiceAsync(builder);

        var response = await app.GetTestClient().GetAsync("/alive", TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(body.RootElement.GetProperty("checks").TryGetProperty("kv", out _));
    }
}
