using Microsoft.Extensions.Diagnostics.HealthChecks;
using Qdrant.Client;

namespace Aspire.Qdrant.Client;

/// <summary>Healthy when Qdrant's health service answers with its title; the failure status of the registration otherwise.</summary>
internal sealed class QdrantHealthCheck(QdrantClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var reply = await client.HealthAsync(cancellationToken).ConfigureAwait(false);
            return string.IsNullOrEmpty(reply?.Title)
                ? new HealthCheckResult(context.Registration.FailureStatus, "Qdrant answered the health check without a title.")
                : HealthCheckResult.Healthy($"{reply.Title} {reply.Version}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Qdrant does not answer.", ex);
        }
    }
}
