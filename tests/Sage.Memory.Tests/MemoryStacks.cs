using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sage.Kv;
using Sage.Storage.Kv;
using Sage.Testing;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;
using Sage.Vdb;

namespace Sage.Memory.Tests;

/// <summary>A running Memory service and direct handles on the KV and VDB engines behind it, to check what it really wrote.</summary>
public abstract class MemoryStack : IAsyncLifetime
{
    public const string Collection = "sage_memories";

    public HttpClient Client { get; private set; } = null!;

    public abstract IKvStore Kv { get; }

    public abstract IVectorStore Vectors { get; }

    public abstract KestrelHost<MemoryOptions> Memory { get; }

    public ExportedSpans Spans { get; } = new();

    /// <summary>Settings every Memory host in these tests runs with: quick expiry sweeps, small limits, a short retry policy.</summary>
    public static Dictionary<string, string?> MemorySettings(string mode) => new()
    {
        ["Sage:Memory:Mode"] = mode,
        ["Sage:Memory:ExpirySweepInterval"] = "00:00:00.300",
        ["Sage:Memory:MaxDataBytes"] = "16384",
        ["Sage:Http:MaxRequestBodyBytes"] = "65536",
        ["Sage:Http:Resilience:MaxRetryAttempts"] = "1",
        ["Sage:Http:Resilience:RetryBaseDelay"] = "00:00:00.010",
        ["Sage:Http:Resilience:AttemptTimeout"] = "00:00:05",
        ["Sage:Http:Resilience:TotalRequestTimeout"] = "00:00:10",
        ["Sage:Http:Resilience:CircuitBreakerMinimumThroughput"] = "100000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Settings of this stack's Memory on top of <see cref="MemorySettings"/>, e.g. a short reconcile interval.</summary>
    public Dictionary<string, string?> Overrides { get; init; } = [];

    protected Dictionary<string, string?> SettingsFor(string mode)
    {
        var settings = MemorySettings(mode);
        foreach (var (key, value) in Overrides)
            settings[key] = value;
        return settings;
    }

    protected void AddSpans(IServiceCollection services) =>
        services.AddExportedSpans(Spans);

    public virtual ValueTask InitializeAsync()
    {
        Start();
        Client = Memory.CreateClient();
        return ValueTask.CompletedTask;
    }

    protected abstract void Start();

    public virtual async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Memory.DisposeAsync();
    }
}

/// <summary>Memory in the <c>embedded</c> composition: one process, both engines in it.</summary>
public sealed class EmbeddedStack : MemoryStack
{
    private KestrelHost<MemoryOptions>? _memory;

    public override KestrelHost<MemoryOptions> Memory => _memory!;

    public override IKvStore Kv => Memory.Services.GetRequiredService<IKvStore>();

    public override IVectorStore Vectors => Memory.Services.GetRequiredService<IVectorStore>();

    protected override void Start()
    {
        _memory = new KestrelHost<MemoryOptions>(SettingsFor("embedded"), AddSpans);
        _memory.Start();
    }
}

/// <summary>
/// Memory in the <c>standard</c> composition: KV, VDB and Memory each on its own Kestrel port. The KV and VDB engines outlive
/// their services (as Redis and Qdrant would), so a stopped and restarted service comes back with its data.
/// </summary>
public sealed class StandardStack : MemoryStack
{
    private readonly string? _dependencyApiKey;
    private readonly string? _memoryApiKey;

    public StandardStack()
    {
    }

    /// <summary>A stack whose KV and VDB need <paramref name="dependencyApiKey"/> and whose Memory has <paramref name="memoryApiKey"/>.</summary>
    internal StandardStack(string? dependencyApiKey, string? memoryApiKey)
    {
        _dependencyApiKey = dependencyApiKey;
        _memoryApiKey = memoryApiKey;
    }

    /// <summary>A stack whose Memory logs at Information into <paramref name="memoryLogs"/>.</summary>
    internal StandardStack(CapturedLogs memoryLogs) => MemoryLogs = memoryLogs;

    public CapturedLogs? MemoryLogs { get; }

    private readonly InMemoryKvStore _kv = new(Options.Create(new InMemoryKvStoreOptions()));
    private readonly EmbeddedVectorStore _vectors = new();
    private KestrelHost<MemoryOptions>? _memory;

    public KestrelHost<KvOptions> KvService { get; private set; } = null!;

    public KestrelHost<VdbOptions> VdbService { get; private set; } = null!;

    public FaultSwitch KvFaults { get; } = new();

    public FaultSwitch VdbFaults { get; } = new();

    public override KestrelHost<MemoryOptions> Memory => _memory!;

    public override IKvStore Kv => _kv;

    public override IVectorStore Vectors => _vectors;

    protected override void Start()
    {
        var quiet = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Sage:ApiKey"] = _dependencyApiKey };
        KvService = new KestrelHost<KvOptions>(new Dictionary<string, string?>(quiet) { ["Sage:Kv:Backend"] = "memory" }, services =>
        {
            services.RemoveAll<IKvStore>();
            services.AddSingleton<IKvStore>(_kv);
            services.AddSingleton(KvFaults.StartupFilter);
            AddSpans(services);
        });
        VdbService = new KestrelHost<VdbOptions>(new Dictionary<string, string?>(quiet) { ["Sage:Vdb:Backend"] = "embedded" }, services =>
        {
            services.RemoveAll<IVectorStore>();
            services.RemoveAll<EmbeddedVectorStore>();
            services.AddSingleton<IVectorStore>(_vectors);
            services.AddSingleton(VdbFaults.StartupFilter);
            AddSpans(services);
        });
        KvService.Start();
        VdbService.Start();
        _memory = new KestrelHost<MemoryOptions>(ReplicaSettings(), services =>
        {
            AddSpans(services);
            if (MemoryLogs is not null)
                services.AddSingleton<ILoggerProvider>(MemoryLogs);
        });
        _memory.Start();
    }

    /// <summary>A second Memory service over the same KV and VDB services, as another replica; the caller disposes it.</summary>
    public KestrelHost<MemoryOptions> StartReplica()
    {
        var replica = new KestrelHost<MemoryOptions>(ReplicaSettings());
        replica.Start();
        return replica;
    }

    private Dictionary<string, string?> ReplicaSettings()
    {
        var settings = SettingsFor("standard");
        settings["services:kv:http:0"] = KvService.Address.ToString().TrimEnd('/');
        settings["services:vdb:http:0"] = VdbService.Address.ToString().TrimEnd('/');
        settings["Sage:ApiKey"] = _memoryApiKey;
        if (MemoryLogs is not null)
            settings["Logging:LogLevel:Default"] = "Information";
        return settings;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await KvService.DisposeAsync();
        await VdbService.DisposeAsync();
        _kv.Dispose();
        _vectors.Dispose();
    }
}
