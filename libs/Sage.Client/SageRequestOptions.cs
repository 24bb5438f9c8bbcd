namespace Sage.Client;

/// <summary>
/// Per-request marks that the typed clients set and that Sage.ServiceDefaults' resilience and tracing read from
/// <see cref="HttpRequestMessage.Options"/>; defined here, once, so a client app needs no ASP.NET dependency to set them.
/// </summary>
public static class SageRequestOptions
{
    /// <summary>
    /// Marks a request safe to send more than once. Only safe methods (GET, HEAD, OPTIONS, TRACE) are retried by default;
    /// set this to true on idempotent writes and read-only POSTs (batch get, vector query) so they are retried too, or to
    /// false to stop retries of a read.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("Sage.Idempotent");

    /// <summary>Marks a request whose 404 answers "it does not exist", so its client span is not an error.</summary>
    public static readonly HttpRequestOptionsKey<bool> NotFoundExpected = new("Sage.NotFoundExpected");

    /// <summary>Marks <paramref name="request"/> as safe to retry (see <see cref="Idempotent"/>).</summary>
    public static HttpRequestMessage MarkIdempotent(this HttpRequestMessage request, bool idempotent = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Idempotent, idempotent);
        return request;
    }

    /// <summary>Marks <paramref name="request"/> as one whose 404 is an expected answer (see <see cref="NotFoundExpected"/>).</summary>
    public static HttpRequestMessage ExpectNotFound(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(NotFoundExpected, true);
        return request;
    }

    /// <summary>
    /// Whether a transient failure of <paramref name="request"/> may be retried: its <see cref="Idempotent"/> mark when
    /// set, otherwise whether its method is safe.
    /// </summary>
    public static bool IsRetryable(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Options.TryGetValue(Idempotent, out var marked))
            return marked;
        var method = request.Method;
        return method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace;
    }

    /// <summary>Whether a 404 answer to <paramref name="request"/> is expected (see <see cref="NotFoundExpected"/>).</summary>
    public static bool IsNotFoundExpected(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(NotFoundExpected, out var expected) && expected;
    }
}
