using Microsoft.Extensions.Logging.Abstractions;

namespace Sage.AppHost.Tests;

/// <summary>Reads the environment a resource of the app model is given, as Aspire itself computes it.</summary>
internal static class ModelEnvironment
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The resource's environment with every value as its manifest expression (<c>{redis.connectionString}</c>):
    /// real values would wait for endpoints that only a started app allocates.
    /// </summary>
    public static Task<Dictionary<string, string>> AsExpressionsAsync(IResource resource, CancellationToken cancellationToken) =>
        BuildAsync(resource, new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), cancellationToken);

    /// <summary>The resource's run-mode environment with real values: only for a started app.</summary>
    public static Task<Dictionary<string, string>> ResolvedAsync(
        IResource resource, DistributedApplicationExecutionContext runMode, CancellationToken cancellationToken) =>
        BuildAsync(resource, runMode, cancellationToken);

    private static async Task<Dictionary<string, string>> BuildAsync(
        IResource resource, DistributedApplicationExecutionContext context, CancellationToken cancellationToken)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(context, NullLogger.Instance, cancellationToken)
            .WaitAsync(Timeout, cancellationToken);

        if (configuration.Exception is { } exception)
        {
            throw exception;
        }

        return configuration.EnvironmentVariables.ToDictionary();
    }
}
