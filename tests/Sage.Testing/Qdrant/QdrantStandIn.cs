using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sage.Testing.Qdrant.Wire;

namespace Sage.Testing.Qdrant;

/// <summary>
/// A strict stand-in for Qdrant's gRPC API (the subset in <c>Protos/qdrant_subset.proto</c>) on Kestrel, HTTP/2 cleartext
/// on a free loopback port, as Qdrant.Client reaches a real Qdrant at <c>http://host:6334</c>. It refuses what Qdrant
/// refuses, with Qdrant's status codes and messages: unknown collections (NotFound), wrong vector sizes, bad ids and
/// malformed filters (InvalidArgument), an existing collection (AlreadyExists), a missing or wrong <c>api-key</c>
/// (Unauthenticated; the health check needs none). A request it cannot serve faithfully is refused and recorded in
/// <see cref="Violations"/>, which tests assert empty.
/// </summary>
public sealed class QdrantStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _version;

    private QdrantStandIn(WebApplication app, string? apiKey)
    {
        _app = app;
        ApiKey = apiKey;
    }

    /// <summary>Where the server listens: the value of <c>Endpoint=</c> in <c>ConnectionStrings:qdrant</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The connection string Aspire would give a project referencing this Qdrant.</summary>
    public string ConnectionString => ApiKey is null ? $"Endpoint={Endpoint}" : $"Endpoint={Endpoint};Key={ApiKey}";

    /// <summary>When set, calls without this <c>api-key</c> header are refused as Qdrant refuses them.</summary>
    public string? ApiKey { get; }

    /// <summary>Requests the stand-in could not serve as Qdrant would; tests assert there are none.</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Every call seen: the gRPC method (<c>/qdrant.Points/Upsert</c>) and its <c>api-key</c> header.</summary>
    public ConcurrentQueue<(string Method, string? ApiKeyHeader)> Calls { get; } = new();

    /// <summary>Every write seen: its collection and whether the caller asked to wait until it was applied.</summary>
    public ConcurrentQueue<(string Collection, bool Wait)> Writes { get; } = new();

    /// <summary>When set, answers a call whose method it returns a status for with that status instead of serving it.</summary>
    public Func<string, Status?>? Fault { get; set; }

    /// <summary>When set, every call but the health check waits this long before it is served.</summary>
    public TimeSpan Delay { get; set; }

    internal Dictionary<string, StandInCollection> Collections { get; } = new(StringComparer.Ordinal);

    internal Lock Gate { get; } = new();

    internal ulong NextVersion() => (ulong)Interlocked.Increment(ref _version);

    /// <summary>Starts a stand-in; with <paramref name="apiKey"/>, every call but the health check must carry it.</summary>
    public static async Task<QdrantStandIn> StartAsync(string? apiKey = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        QdrantStandIn? standIn = null;
        builder.Services.AddSingleton(_ => standIn!);
        builder.Services.AddGrpc(options => options.Interceptors.Add<StandInInterceptor>());
        var app = builder.Build();
        standIn = new QdrantStandIn(app, apiKey);
        app.MapGrpcService<StandInQdrantService>();
        app.MapGrpcService<StandInCollectionsService>();
        app.MapGrpcService<StandInPointsService>();
        await app.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.Endpoint = new Uri(address);
        return standIn;
    }

    /// <summary>Fails the calling test with every recorded violation, and forgets them.</summary>
    public void AssertNoViolations()
    {
        var violations = new List<string>();
        while (Violations.TryDequeue(out var violation))
        {
            violations.Add(violation);
        }

        if (violations.Count > 0)
        {
            throw new InvalidOperationException("The stand-in Qdrant could not serve a request as Qdrant would:\n" + string.Join("\n", violations));
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }

    /// <summary>Records that a request needs something the stand-in does not implement, and refuses it.</summary>
    internal RpcException NotImplemented(string what)
    {
        Violations.Enqueue($"not implemented by the stand-in: {what}");
        return new RpcException(new Status(StatusCode.Unimplemented, $"the stand-in Qdrant does not implement {what}"));
    }

    /// <summary>The collection, or Qdrant's NotFound for it.</summary>
    internal StandInCollection Collection(string name) => Collections.TryGetValue(name, out var collection)
        ? collection
        : throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Collection `{name}` doesn't exist!"));

    /// <summary>A point id's canonical text, refusing what Qdrant cannot parse.</summary>
    internal static string Canonical(PointId? id) => id?.PointIdOptionsCase switch
    {
        PointId.PointIdOptionsOneofCase.Num => id.Num.ToString(System.Globalization.CultureInfo.InvariantCulture),
        PointId.PointIdOptionsOneofCase.Uuid when Guid.TryParse(id.Uuid, out var uuid) => uuid.ToString(),
        PointId.PointIdOptionsOneofCase.Uuid => throw new RpcException(new Status(StatusCode.InvalidArgument, $"Unable to parse UUID: {id.Uuid}")),
        _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "Malformed PointId: no id given")),
    };

    /// <summary>Checks the API key and applies faults and delays before any call is served.</summary>
    private sealed class StandInInterceptor(QdrantStandIn standIn) : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            var apiKey = context.RequestHeaders.GetValue("api-key");
            standIn.Calls.Enqueue((context.Method, apiKey));
            // Qdrant lets health checks through without a key.
            if (context.Method != "/qdrant.Qdrant/HealthCheck")
            {
                if (standIn.ApiKey is not null && apiKey != standIn.ApiKey)
                {
                    throw new RpcException(new Status(StatusCode.Unauthenticated, "Must provide an API key or an Authorization bearer token"));
                }

                if (standIn.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(standIn.Delay, context.CancellationToken);
                }
            }

            if (standIn.Fault?.Invoke(context.Method) is { } fault)
            {
                throw new RpcException(fault);
            }

            return await continuation(request, context);
        }
    }
}
