using System.Net;
using System.Net.Http.Json;

namespace Sage.Client;

/// <summary>What every typed client does the same way: JSON in and out, problems as <see cref="SageApiException"/>, retry marks.</summary>
internal static class SageHttp
{
    /// <summary>A request with a JSON body (when <paramref name="body"/> is given).</summary>
    public static HttpRequestMessage Request<TBody>(HttpMethod method, string path, TBody body, bool idempotent = false)
    {
        var request = Request(method, path, idempotent);
        request.Content = JsonContent.Create(body, options: SageJson.Options);
        return request;
    }

    /// <summary>A request without a body.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, bool idempotent = false)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (idempotent)
            request.MarkIdempotent();
        return request;
    }

    /// <summary>Sends, then reads the JSON answer, or throws <see cref="SageApiException"/> for an error status.</summary>
    public static async Task<T> SendAsync<T>(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends, then reads the JSON answer; null for a 404; throws <see cref="SageApiException"/> for other errors.</summary>
    public static async Task<T?> SendOrNullAsync<T>(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken) where T : class
    {
        request.ExpectNotFound();
        using (request)
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
                return null;
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a request whose success has no body: true for 2xx, false for 404, <see cref="SageApiException"/> otherwise.</summary>
    public static async Task<bool> SendFoundAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.ExpectNotFound();
        using (request)
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
                return false;
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(SageJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{(int)response.StatusCode} answer to {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} had an empty JSON body.");

    /// <summary>Throws <see cref="SageApiException"/> with the parsed problem when the status is not a success.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new SageApiException(response.StatusCode, SageProblem.Parse(body, (int)response.StatusCode), RetryAfterOf(response));
    }

    /// <summary>The <c>Retry-After</c> header as a delay (seconds or an HTTP date).</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
            return delta;
        if (retryAfter?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>One path segment, escaped; refuses what a URL cannot carry as a segment.</summary>
    public static string Segment(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, parameterName);
        // "." and ".." would be collapsed by URI normalisation and address another resource.
        if (value is "." or "..")
            throw new ArgumentException($"'{value}' cannot be sent as a path segment.", parameterName);
        return Uri.EscapeDataString(value);
    }

    /// <summary>A query string from the pairs whose value is not null.</summary>
    public static string Query(params (string Name, string? Value)[] pairs)
    {
        var parts = pairs.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
