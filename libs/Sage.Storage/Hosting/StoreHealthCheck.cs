using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sage.Storage.Hosting;

/// <summary>
/// A backend's health: a ping that answers is healthy (with its round-trip time and backend name),
/// one that throws is unhealthy with the reason.
/// </summary>
public sealed class StoreHealthCheck(string backend, Func<CancellationToken, ValueTask<TimeSpan>> ping) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await ping(cancellationToken);
            return HealthCheckResult.Healthy($"{backend} answers", new Dictionary<string, object>
            {
                ["backend"] = backend,
                ["latency_ms"] = Math.Round(latency.TotalMilliseconds, 3),
            });
        }
        catch (Exception exception) when (exception is StorageException or TimeoutException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{backend} is unavailable: {exception.Message}",
                data: new Dictionary<string, object> { ["backend"] = backend });
        }
    }
}
