namespace Sage.ServiceDefaults.Resilience;

/// <summary>Per-request settings the resilience handler reads from <see cref="HttpRequestMessage.Options"/>.</summary>
public static class SageHttpRequestOptions
{
    /// <summary>
    /// Marks a request safe to send more than once. GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent by default;
    /// set this to true on read-only POSTs (batch get, vector query) so they are retried too, or to false to stop retries.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("Sage.Idempotent");

    /// <summary>Marks <paramref name="request"/> as safe to retry (see <see cref="Idempotent"/>).</summary>
    public static HttpRequestMessage MarkIdempotent(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Idempotent, true);
        return request;
    }

    /// <summary>Whether the resilience handler may send <paramref name="request"/> again after a transient failure.</summary>
    public static bool IsIdempotent(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Options.TryGetValue(Idempotent, out var marked))
            return marked;
        var method = request.Method;
        return method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
            || method == HttpMethod.Trace || method == HttpMethod.Put || method == HttpMethod.Delete;
    }
}
