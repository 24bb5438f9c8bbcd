namespace Sage.AppHost.Tests;

/// <summary>
/// One running Sage.AppHost per test class (through <see cref="IClassFixture{TFixture}"/>): started once,
/// shared by the class's tests, stopped after them. Every await is bounded.
/// </summary>
public abstract class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] ServiceNames = ["kv", "vdb", "memory"];

    private DistributedApplication? _app;

    /// <summary>Arguments for the AppHost's command line (its configuration).</summary>
    protected abstract string[] Arguments { get; }

    /// <summary>Why this class cannot run here, or null when it can; tests skip with this reason.</summary>
    public string? SkipReason { get; private set; }

    public DistributedApplication App =>
        _app ?? throw new InvalidOperationException(SkipReason ?? "The AppHost has not been started.");

    /// <summary>Returns why the AppHost cannot start on this machine, or null.</summary>
    protected virtual Task<string?> FindSkipReasonAsync(CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var cancellationToken = timeout.Token;

        SkipReason = await FindSkipReasonAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);
        if (SkipReason is not null)
        {
            return;
        }

        var appHost = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.Sage_AppHost>(Arguments, cancellationToken)
            .WaitAsync(StartTimeout, cancellationToken);

        _app = await appHost.BuildAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);
        await _app.StartAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);

        // Healthy means each service's /health answered 200 through Aspire's health checks, after its WaitFor dependencies.
        foreach (var service in ServiceNames)
        {
            await _app.ResourceNotifications
                .WaitForResourceHealthyAsync(service, cancellationToken)
                .WaitAsync(StartTimeout, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().AsTask().WaitAsync(StopTimeout);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>The AppHost with <c>Sage:Embedded=true</c>: no containers, so it runs wherever the .NET SDK does.</summary>
public sealed class EmbeddedAppHostFixture : AppHostFixture
{
    protected override string[] Arguments => ["--Sage:Embedded=true"];
}

/// <summary>The AppHost as deployed: Redis and Qdrant containers. Skips when no container runtime answers.</summary>
public sealed class ContainerAppHostFixture : AppHostFixture
{
    protected override string[] Arguments => [];

    protected override async Task<string?> FindSkipReasonAsync(CancellationToken cancellationToken) =>
        await ContainerRuntime.IsRunningAsync(cancellationToken)
            ? null
            : $"No container runtime: `{ContainerRuntime.Name} info` failed, and the AppHost needs one for Redis and Qdrant.";
}
