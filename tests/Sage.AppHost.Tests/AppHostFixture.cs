namespace Sage.AppHost.Tests;

/// <summary>
/// One running Sage.AppHost per test class (through <see cref="IClassFixture{TFixture}"/>): started once,
/// shared by the class's tests, stopped after them. Every await is bounded.
/// </summary>
public abstract class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private DistributedApplication? _app;

    /// <summary>Arguments for the AppHost's command line (its configuration).</summary>
    protected abstract string[] Arguments { get; }

    /// <summary>Every resource of the model, which the fixture waits to be healthy.</summary>
    public abstract IReadOnlyList<string> Resources { get; }

    /// <summary>Why this class cannot run here, or null when it can; tests skip with this reason.</summary>
    public string? SkipReason { get; private set; }

    public DistributedApplication App =>
        _app ?? throw new InvalidOperationException(SkipReason ?? "The AppHost has not been started.");

    /// <summary>Runs just before the AppHost is created (for example, to set up its process environment).</summary>
    protected virtual void BeforeStart()
    {
    }

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

        BeforeStart();
        var appHost = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.Sage_AppHost>(Arguments, cancellationToken)
            .WaitAsync(StartTimeout, cancellationToken);

        _app = await appHost.BuildAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);
        await _app.StartAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);

        // Healthy means each resource's health checks pass (a service's /health through Aspire), after its WaitFor dependencies.
        foreach (var resource in Resources)
        {
            await _app.ResourceNotifications
                .WaitForResourceHealthyAsync(resource, cancellationToken)
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

/// <summary>
/// The AppHost with <c>Sage:Embedded=true</c>: no Redis, no Qdrant, runs wherever the .NET SDK does. It starts
/// from a shell that exports store settings, which must not reach the services (see <see cref="AmbientStoreSettings"/>).
/// </summary>
public sealed class EmbeddedAppHostFixture : AppHostFixture
{
    /// <summary>Store settings exported in the AppHost's environment before it starts.</summary>
    public static readonly IReadOnlyDictionary<string, string> AmbientStoreSettings = new Dictionary<string, string>
    {
        ["ConnectionStrings__redis"] = "localhost:1,password=ambient",
        ["ConnectionStrings__qdrant"] = "Endpoint=http://localhost:1;Key=ambient",
        ["SAGE_REDIS_URL"] = "redis://localhost:1",
    };

    protected override string[] Arguments => ["--Sage:Embedded=true"];

    public override IReadOnlyList<string> Resources => ["kv", "vdb", "memory"];

    protected override void BeforeStart()
    {
        foreach (var (name, value) in AmbientStoreSettings)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}

/// <summary>
/// The AppHost with <c>Sage:Redis=process</c> (Debian's redis-server as an executable resource) and the embedded
/// vector engine: the path of people without a container runtime who want Redis.
/// </summary>
public sealed class RedisProcessAppHostFixture : AppHostFixture
{
    protected override string[] Arguments => ["--Sage:Redis=process", "--Sage:Qdrant=none"];

    public override IReadOnlyList<string> Resources => ["redis", "kv", "vdb", "memory"];

    protected override Task<string?> FindSkipReasonAsync(CancellationToken cancellationToken) =>
        Task.FromResult(RedisCli.FindOnPath("redis-server") is null
            // test.sh installs it; a developer running `dotnet test` alone may not have it.
            ? "redis-server is not on PATH: run ./test.sh, or apt-get install redis-server."
            : null);
}

/// <summary>The AppHost as deployed: Redis and Qdrant containers. Skips when no container runtime answers.</summary>
public sealed class ContainerAppHostFixture : AppHostFixture
{
    protected override string[] Arguments => [];

    public override IReadOnlyList<string> Resources => ["redis", "qdrant", "kv", "vdb", "memory"];

    protected override async Task<string?> FindSkipReasonAsync(CancellationToken cancellationToken) =>
        await ContainerRuntime.IsRunningAsync(cancellationToken)
            ? null
            : $"No container runtime: `{ContainerRuntime.Name} info` failed, and this class needs one for the Redis and Qdrant containers.";
}
