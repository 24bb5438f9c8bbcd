using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Sage.Testing.Sweep;

/// <summary>
/// The generated-input sweep (issue 10, finding 3): every route the running app maps gets hostile requests, and for each
/// the answer is never a 5xx, and a 4xx is <c>application/problem+json</c> with its status and a title. A route with no
/// <see cref="RouteSample"/> fails the sweep, so a new route cannot go unswept.
/// </summary>
/// <remarks>
/// Data unchanged: the caller seeds data under names holding <see cref="SweepNames.SeedMarker"/>, which no generated request
/// names (generated text never holds the marker, valid names are scratch names, and many-record selectors such as a delete
/// pattern keep the scratch prefix). So every request that succeeds writes scratch data only, and any change to the seeded
/// data is a request reaching what it did not name: a bug. The seeded data is read back every <see cref="SnapshotEvery"/>
/// requests and at the end, and must be byte for byte what it was, so a failure names a short window of requests.
/// The seed and count are fixed for CI; <c>SAGE_SWEEP_SEED</c> and <c>SAGE_SWEEP_COUNT</c> change them for longer local runs.
/// </remarks>
public static partial class RouteSweep
{
    public const int DefaultSeed = 20261202;

    private const int SnapshotEvery = 100;

    private const int MaxFailuresShown = 12;

    /// <summary>Every route the app maps, as <c>METHOD /pattern</c>, from its endpoint data source.</summary>
    public static IReadOnlyList<string> RoutesOf(IServiceProvider appServices) =>
        appServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => $"{method} {Normalize(endpoint.RoutePattern.RawText ?? "")}"))
            .Distinct().Order(StringComparer.Ordinal).ToArray();

    private static string Normalize(string pattern) => "/" + string.Join('/', pattern.Split('/', StringSplitOptions.RemoveEmptyEntries));

    public static async Task AssertEveryRouteAsync(
        string name, IServiceProvider appServices, HttpClient client, IReadOnlyList<RouteSample> samples, Func<Task<string>> snapshot,
        int count, CancellationToken cancellationToken)
    {
        var routes = RoutesOf(appServices);
        var unswept = routes.Except(samples.Select(s => s.Route)).ToArray();
        Assert.True(unswept.Length == 0, $"{name}: routes without a RouteSample, so the sweep cannot generate requests for them: {string.Join(", ", unswept)}");
        var swept = samples.Where(s => routes.Contains(s.Route)).ToArray();

        var seed = Setting("SAGE_SWEEP_SEED", DefaultSeed);
        count = Setting("SAGE_SWEEP_COUNT", count);
        var requests = Gen.Elements(swept).SelectMany(HostileInput.For).Sample(count, new Rnd((ulong)seed), 30);

        var watch = Stopwatch.StartNew();
        var before = await snapshot();
        var failures = new Dictionary<string, (int Count, string Example)>();
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            var (status, problem) = await SendAsync(client, request, cancellationToken);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (problem is not null)
            {
                var kind = $"{request.Route} → {status}: {problem.Split('\n')[0]}";
                failures[kind] = failures.TryGetValue(kind, out var seen)
                    ? (seen.Count + 1, seen.Example)
                    : (1, $"request #{i}:\n{request}\n→ {problem}");
            }
            if ((i + 1) % SnapshotEvery == 0 || i == requests.Length - 1)
            {
                var after = await snapshot();
                Assert.True(before == after,
                    $"{name}: the seeded data changed between requests #{Math.Max(0, i + 1 - SnapshotEvery)} and #{i} (SAGE_SWEEP_SEED={seed}, SAGE_SWEEP_COUNT={count}).\n" +
                    $"before: {SweepRequest.Shorten(before)}\nafter:  {SweepRequest.Shorten(after)}");
            }
        }

        var summary = $"{name}: {requests.Length} requests over {swept.Length} routes in {watch.Elapsed.TotalSeconds:F1} s, seed {seed}; statuses " +
            string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"));
        TestContext.Current.SendDiagnosticMessage(summary);
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Assert.True(failures.Count == 0,
            $"{name}: {failures.Count} kinds of wrong answer (replay with SAGE_SWEEP_SEED={seed} SAGE_SWEEP_COUNT={count}):\n\n" +
            string.Join("\n\n", failures.Take(MaxFailuresShown).Select(f => $"[{f.Value.Count}×] {f.Key}\n{f.Value.Example}")));
    }

    /// <summary>Sends one request; the problem with its answer, or null when the answer is right.</summary>
    private static async Task<(int Status, string? Problem)> SendAsync(HttpClient client, SweepRequest request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            try
            {
                response = await client.SendAsync(Message(client, request), cancellationToken);
            }
            catch (HttpRequestException)
            {
                // A pooled connection the server has just closed (Kestrel closes one after refusing a request) fails the
                // next request before it is sent; once more on a fresh connection tells that from a service that never answers.
                response = await client.SendAsync(Message(client, request), cancellationToken);
            }
        }
        catch (InvalidOperationException) when (KestrelRefusals.Explains(request.Method, request.PathAndQuery, request.Headers, 400))
        {
            // The test server refuses what Kestrel refuses, by throwing before the request reaches the app.
            return (400, null);
        }
        catch (HttpRequestException error)
        {
            return (0, $"no answer: {error.Message} {error.InnerException?.Message}");
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return (status, Check(request, status, response.Content.Headers.ContentType, body));
        }
    }

    private static HttpRequestMessage Message(HttpClient client, SweepRequest request)
    {
        // Uri removes dot segments (/kv/.. is /) as every HTTP client does; the test server cannot take a Uri that keeps them.
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(client.BaseAddress!.GetLeftPart(UriPartial.Authority) + request.PathAndQuery));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }
        foreach (var (header, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(header, value))
                message.Content?.Headers.TryAddWithoutValidation(header, value);
        }
        return message;
    }

    private static string? Check(SweepRequest request, int status, MediaTypeHeaderValue? contentType, string body)
    {
        var answer = $"{status} {contentType}\n{SweepRequest.Shorten(body)}";
        if (status >= 500)
            return $"a server error: {answer}";
        if (status < 400)
            return null;
        if (body.Length == 0 && KestrelRefusals.Explains(request.Method, request.PathAndQuery, request.Headers, status))
            return null;
        if (contentType?.MediaType != "application/problem+json")
            return $"a {status} that is not application/problem+json: {answer}";
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            if (!root.TryGetProperty("status", out var s) || s.ValueKind != JsonValueKind.Number || s.GetInt32() != status)
                return $"a problem without its status: {answer}";
            if (!root.TryGetProperty("title", out var title) || string.IsNullOrWhiteSpace(title.GetString()))
                return $"a problem without a title: {answer}";
        }
        catch (JsonException)
        {
            return $"a problem body that does not parse: {answer}";
        }
        return FrameworkWords().IsMatch(body) ? $"a problem in the framework's words, not ours: {answer}" : null;
    }

    // Details the framework writes for binding failures name its internals; ours name the field (issue 10, finding 11).
    [GeneratedRegex(@"Implicit body inferred|Nullable`1|Nullable<|System\.[A-Z][A-Za-z]+\.")]
    private static partial Regex FrameworkWords();

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

/// <summary>
/// The requests Kestrel refuses itself, before any middleware runs, with an empty body: no problem+json is possible for
/// them. <c>RefusedRequestTests.Kestrel_refuses_malformed_or_oversized_request_heads_itself_with_an_empty_body</c>
/// (Sage.ServiceDefaults.Tests) pins these: NUL in the path (400), a request line over 8 KiB (414), headers over 32 KiB (431).
/// </summary>
public static class KestrelRefusals
{
    public const int MaxRequestLineBytes = 8 * 1024;

    public const int MaxRequestHeadersBytes = 32 * 1024;

    public static bool Explains(string method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, int status) => status switch
    {
        400 => pathAndQuery.Split('?')[0].Contains("%00", StringComparison.Ordinal),
        414 => Encoding.UTF8.GetByteCount($"{method} {pathAndQuery} HTTP/1.1") > MaxRequestLineBytes,
        431 => headers.Sum(h => h.Key.Length + h.Value.Length + 4) > MaxRequestHeadersBytes,
        _ => false,
    };
}
