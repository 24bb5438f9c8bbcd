using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sage.Storage.Hosting;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;
using Sage.Storage.Vectors.Qdrant;

namespace Sage.Vdb.Extensions;

internal static class Extensions
{
    /// <summary>Aspire's gRPC connection string of the Qdrant resource: <c>ConnectionStrings__qdrant</c>.</summary>
    public const string QdrantConnectionName = "qdrant";

    /// <summary>Chooses and registers the vector backend, its health check, the storage error mapping and the default collection.</summary>
    public static IHostApplicationBuilder AddVectorStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<VdbOptions>()
            .BindConfiguration(VdbOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddStorageProblemDetails();

        // Both engines take their limits from the one bound VdbOptions.
        if (ResolveBackend(builder.Configuration) == "qdrant")
        {
            builder.AddQdrantClient(QdrantConnectionName);
            builder.Services.AddOptions<QdrantVectorStoreOptions>()
                .BindConfiguration(QdrantVectorStoreOptions.SectionName)
                .Configure<IOptions<VdbOptions>>((o, vdb) => o.MaxBatchSize = vdb.Value.MaxBatchPoints);
            builder.Services.AddQdrantVectorStore();
        }
        else
        {
            builder.Services.AddOptions<EmbeddedVectorStoreOptions>().Configure<IOptions<VdbOptions>>((o, vdb) =>
            {
                o.PersistDirectory = string.IsNullOrWhiteSpace(vdb.Value.PersistDirectory) ? null : vdb.Value.PersistDirectory;
                o.MaxBatchSize = vdb.Value.MaxBatchPoints;
            });
            builder.Services.AddEmbeddedVectorStore();
        }

        builder.Services.AddSingleton<DefaultCollection>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DefaultCollection>());
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "vdb-backend",
            sp => { var store = sp.GetRequiredService<IVectorStore>(); return new StoreHealthCheck(store.Backend, async ct => await store.PingAsync(ct)); },
            failureStatus: null,
            tags: ["ready"]));
        return builder;
    }

    /// <summary>The backend named by configuration, or the one the connection strings imply; a bad value stops the service.</summary>
    internal static string ResolveBackend(IConfiguration configuration) => Backends.Select<VdbOptions>(configuration);

    private static readonly BackendSelector Backends = new(VdbOptions.SectionName, "SAGE_VDB_BACKEND", "embedded", "qdrant", QdrantConnectionName,
        "no Qdrant endpoint is configured: set ConnectionStrings__qdrant (Qdrant's gRPC endpoint, Endpoint=http://host:6334;Key=…) or SAGE_QDRANT_URL.");
}
