using Microsoft.Extensions.DependencyInjection;
using Sage.Launcher.Model;
using Sage.Launcher.Processes;

namespace Sage.AppHost.Tests;

/// <summary>
/// The guard of launcher parity: what the running AppHost really injects into kv, vdb and memory (its app model's
/// resolved environment) against what <c>sage run --kv-backend redis</c> gives the same services, variable by
/// variable. docs/aspire-environment.md is the table both follow.
/// </summary>
public sealed class LauncherParityTests(RedisProcessAppHostFixture fixture) : IClassFixture<RedisProcessAppHostFixture>
{
    // Only the launcher's: its children's watchdog.
    private static readonly string[] LauncherOnly = [ServiceEnvironment.ParentPidVariable];

    [Theory]
    [InlineData("kv")]
    [InlineData("vdb")]
    [InlineData("memory")]
    public async Task Launcher_gives_each_service_the_variables_the_apphost_injects(string service)
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        var cancellationToken = TestContext.Current.CancellationToken;
        // DCP fills this template with the resource name when it starts the process (DcpExecutor's otel-service-name annotation).
        var aspire = (await AspireEnvironmentAsync(service, cancellationToken)).ToDictionary(
            pair => pair.Key, pair => pair.Value.Replace("{{- index .Annotations \"otel-service-name\" -}}", service, StringComparison.Ordinal));

        var plan = LaunchPlanBuilder.Build(
            new LaunchRequest
            {
                KvBackend = "redis",
                OtlpEndpoint = aspire.GetValueOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT"),
                OtlpHeaders = aspire.GetValueOrDefault("OTEL_EXPORTER_OTLP_HEADERS"),
            },
            file: null, freePort: () => 6390, workingDirectory: Path.GetTempPath());
        var launcher = ServiceEnvironment.Build(plan, plan.Find(service)!, Environment.ProcessId);

        var missing = aspire.Keys.Except(launcher.Keys).Order(StringComparer.Ordinal).ToList();
        var extra = launcher.Keys.Except(aspire.Keys).Except(LauncherOnly).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{service}: the launcher lacks [{string.Join(", ", missing)}] and adds [{string.Join(", ", extra)}]");

        // Allocated values (ports, passwords, instance ids) differ; the fixed ones must be equal.
        foreach (var (key, value) in launcher.Where(pair => !pair.Key.StartsWith("OTEL_RESOURCE_", StringComparison.Ordinal)))
        {
            if (IsAllocated(key))
            {
                Assert.Equal(Shape(aspire[key]), Shape(value));
            }
            else if (!LauncherOnly.Contains(key))
            {
                Assert.True(aspire[key] == value, $"{service}: {key} is '{aspire[key]}' under Aspire, '{value}' from the launcher");
            }
        }
    }

    private async Task<Dictionary<string, string>> AspireEnvironmentAsync(string service, CancellationToken cancellationToken)
    {
        var model = fixture.App.Services.GetRequiredService<DistributedApplicationModel>();
        var resource = model.Resources.Single(resource => resource.Name == service);
        var runMode = fixture.App.Services.GetRequiredService<DistributedApplicationExecutionContext>();
        return await ModelEnvironment.ResolvedAsync(resource, runMode, cancellationToken);
    }

    private static bool IsAllocated(string key) =>
        key is "ASPNETCORE_URLS" or "ConnectionStrings__redis" or "REDIS_PORT" or "REDIS_PASSWORD" or "REDIS_URI"
            or "OTEL_EXPORTER_OTLP_ENDPOINT" or "OTEL_EXPORTER_OTLP_HEADERS"
        || key.StartsWith("services__", StringComparison.Ordinal)
        || key.EndsWith("_HTTP", StringComparison.Ordinal);

    [Fact]
    public async Task Apphost_services_listen_on_a_private_port_behind_the_proxy_that_discovery_names()
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        var cancellationToken = TestContext.Current.CancellationToken;

        // DCP fills the port of ASPNETCORE_URLS when it starts the process; memory reaches kv through the proxy.
        Assert.Matches("^http://localhost:\\{\\{- portForServing \"kv\" -\\}\\}$", (await AspireEnvironmentAsync("kv", cancellationToken))["ASPNETCORE_URLS"]);
        Assert.Matches("^http://localhost:[0-9]+$", (await AspireEnvironmentAsync("memory", cancellationToken))["services__kv__http__0"]);
    }

    // Ports, DCP's port templates and secrets become placeholders: "localhost:41234,password=Ab3…" → "localhost:0,password=x".
    private static string Shape(string value)
    {
        var shape = System.Text.RegularExpressions.Regex.Replace(value, "\\{\\{- portForServing \"[a-z]+\" -\\}\\}", "0");
        shape = System.Text.RegularExpressions.Regex.Replace(shape, "[0-9]+", "0");
        return System.Text.RegularExpressions.Regex.Replace(shape, "[A-Za-z0-9]{16,}", "x");
    }
}
