using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sage.Storage.Hosting;
using Sage.Storage.Vectors;
using Sage.Storage.Vectors.Embedded;
using Sage.Storage.Vectors.Qdrant;

namespace Sage.Vdb.Extensions;

internal static class Extensions
{
    public const string QdrantConnectionName = "qdrant_http";

    /// <summary>Chooses and registers the vector backend, its health check, the storage error mapping and the default collection.</summary>
    public static IHostApplicationBuilder AddVectorStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<VdbOptions>()
            .BindConfiguration(VdbOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddStorageProblemDetails();

        var vdb = builder.Configuration.GetSection(VdbOptions.SectionName);
        if (ResolveBackend(builder.Configuration) == "qdrant")
        {
            builder.Services.AddQdrantVectorStore(builder.Configuration);
        }
        else
        {
            builder.Services.AddEmbeddedVectorStore(o =>
            {
                o.PersistDirectory = vdb[nameof(VdbOptions.PersistDirectory)] is { Length: > 0 } dir ? dir : null;
                if (int.TryParse(vdb[nameof(VdbOptions.MaxBatchPoints)], out var max))
                    o.MaxBatchSize = max;
            });
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
    internal static string ResolveBackend(IConfiguration configuration)
    {
        var configured = configuration[$"{VdbOptions.SectionName}:{nameof(VdbOptions.Backend)}"]?.Trim().ToLowerInvariant();
        var hasQdrant = !string.IsNullOrWhiteSpace(configuration.GetConnectionString(QdrantConnectionName));
        return configured switch
        {
            null or "" => hasQdrant ? "qdrant" : "embedded",
            "embedded" => "embedded",
            "qdrant" when hasQdrant => "qdrant",
            "qdrant" => throw new OptionsValidationException(VdbOptions.SectionName, typeof(VdbOptions),
                ["Sage:Vdb:Backend (SAGE_VDB_BACKEND) is 'qdrant' but no Qdrant endpoint is configured: set ConnectionStrings__qdrant_http or SAGE_QDRANT_URL."]),
            _ => throw new OptionsValidationException(VdbOptions.SectionName, typeof(VdbOptions),
                [$"Sage:Vdb:Backend (SAGE_VDB_BACKEND) must be 'embedded' or 'qdrant', not '{configured}'."]),
        };
    }

    // Absent means cosine; anything else must be a known name.
    internal static Distance ParseDistance(string? distance, string field) =>
        string.IsNullOrWhiteSpace(distance) ? Distance.Cosine
        : DistanceNames.TryParse(distance, out var parsed) ? parsed
        : throw Sage.Storage.StorageException.Invalid(field, $"Unknown distance '{distance}'; use cosine, dot or euclid.");
}
