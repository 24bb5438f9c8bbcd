using System.Diagnostics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Sage.ServiceDefaults.Resilience;

/// <summary>
/// Sends each request through its destination's pipeline. Retried requests get their original (unresolved) address
/// back, so service discovery picks the next endpoint, and fresh trace headers, so each attempt is its own span.
/// An open circuit or an exhausted timeout surfaces as <see cref="HttpRequestException"/> wrapping Polly's exception.
/// </summary>
internal sealed class ResilienceHandler(HttpResiliencePipelines pipelines) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var originalUri = request.RequestUri;
        var retryable = request.IsIdempotent();
        // Content is sent once per attempt, so a stream body must be buffered to be sent again.
        if (retryable && request.Content is not null)
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);

        var pipeline = pipelines.For(originalUri);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HttpResiliencePipelines.RetryableKey, retryable);
        var attempt = 0;
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                async (ctx, _) =>
                {
                    if (attempt++ > 0)
                        PrepareRetry(request, originalUri);
                    try
                    {
                        return Outcome.FromResult(await base.SendAsync(request, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception exception)
                    {
                        return Outcome.FromException<HttpResponseMessage>(exception);
                    }
                },
                context,
                state: 0).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        catch (BrokenCircuitException broken)
        {
            throw new HttpRequestException(
                $"{Describe(originalUri)} is unavailable: too many recent calls failed, so calls are paused (retry after {broken.RetryAfter?.ToString() ?? "a short break"}).",
                broken);
        }
        catch (TimeoutRejectedException timeout) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"{Describe(originalUri)} did not answer within {timeout.Timeout}.", timeout);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static void PrepareRetry(HttpRequestMessage request, Uri? originalUri)
    {
        request.RequestUri = originalUri;
        foreach (var field in DistributedContextPropagator.Current.Fields ?? [])
            request.Headers.Remove(field);
    }

    private static string Describe(Uri? uri) => uri is { IsAbsoluteUri: true } ? $"'{uri.GetLeftPart(UriPartial.Authority)}'" : "The service";
}
