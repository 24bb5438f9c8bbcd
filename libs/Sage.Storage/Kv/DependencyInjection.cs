using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sage.Storage.Kv;

/// <summary>Registers the in-process KV store, the same way for the KV service and for Memory's embedded mode.</summary>
public static class InMemoryKvStoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="InMemoryKvStore"/> as the singleton <see cref="IKvStore"/>: limits from <c>Sage:Kv:Memory</c>, the
    /// journal directory from <c>Sage:Kv:PersistDirectory</c>; a bad setting stops the host at start.
    /// </summary>
    public static IServiceCollection AddInMemoryKvStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<InMemoryKvStoreOptions>()
            .BindConfiguration(InMemoryKvStoreOptions.SectionName)
            .Configure<IConfiguration>((o, configuration) =>
                o.PersistDirectory = configuration[InMemoryKvStoreOptions.PersistDirectoryKey] is { } dir && !string.IsNullOrWhiteSpace(dir) ? dir : null)
            .ValidateDataAnnotations()
            .Validate(o => o.PersistDirectory is null || CanCreate(o.PersistDirectory),
                $"{InMemoryKvStoreOptions.PersistDirectoryKey} ({InMemoryKvStoreOptions.PersistDirectoryAlias}) must be a directory this process can create and write.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IKvStore>(sp => new InMemoryKvStore(sp.GetRequiredService<IOptions<InMemoryKvStoreOptions>>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static bool CanCreate(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
