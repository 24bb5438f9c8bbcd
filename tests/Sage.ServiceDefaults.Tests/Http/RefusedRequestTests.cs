using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sage.ServiceDefaults.Http;
using Sage.Testing;

namespace Sage.ServiceDefaults.Tests.Http;

/// <summary>Requests refused before a handler runs: problem+json in our own words, and logged without stack traces (issue 10, finding 11).</summary>
public sealed class RefusedRequestTests
{
    public sealed record Widget(string Name, int Count);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void MapRoutes(WebApplication app)
    {
        app.MapPost("/widgets", (Widget widget) => TypedResults.Ok(widget));
        app.MapGet("/items", (int? limit) => TypedResults.Ok(limit ?? 0));
        app.MapGet("/invalid", string () => throw RequestValidationException.For("top_k", "top_k must be between 1 and 1000."));
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Implicit body", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Nullable", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Widget widget", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Int32", body, StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    public async Task An_empty_body_on_a_json_route_is_a_400_problem_in_our_words(string? contentType)
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), MapRoutes);
        var content = new ByteArrayContent([]);
        if (contentType is not null)
            content.Headers.ContentType = new(contentType);

        var problem = await AssertProblemAsync(await app.GetTestClient().PostAsync("/widgets", content, Ct), HttpStatusCode.BadRequest);

        Assert.Contains("body", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_is_a_400_problem_naming_the_parameter_in_our_words()
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), MapRoutes);

        var problem = await AssertProblemAsync(await app.GetTestClient().GetAsync("/items?limit=abc", Ct), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _), problem.ToString());
    }

    [Fact]
    public async Task A_json_body_without_content_type_json_is_a_415_problem()
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), MapRoutes);

        await AssertProblemAsync(await app.GetTestClient().PostAsync("/widgets", new StringContent("""{"name":"a","count":1}""", Encoding.UTF8, "text/plain"), Ct),
            HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task A_400_is_logged_below_warning_without_a_stack_trace(string environment)
    {
        var logs = new CapturedLogs();
        var builder = TestApps.CreateBuilder(environment: environment);
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        await using var app = await TestApps.StartServiceAsync(builder, MapRoutes);
        var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/invalid", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/widgets", new StringContent("{", Encoding.UTF8, "application/json"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/widgets", new ByteArrayContent([]), Ct)).StatusCode);

        Assert.DoesNotContain(logs.Lines, line => line.Level >= LogLevel.Warning);
        Assert.DoesNotContain(logs.Lines, line => line.Exception is not null && line.Level >= LogLevel.Information);
    }

    // Kestrel answers these itself, before any middleware runs, so no problem+json is possible: the test pins that fact.
    [Theory]
    [InlineData("GET /a%00b HTTP/1.1", 400)]
    [InlineData("GET /{0} HTTP/1.1", 414)]
    [InlineData("GET / HTTP/1.1\r\nX-Big: {0}", 431)]
    public async Task Kestrel_refuses_malformed_or_oversized_request_heads_itself_with_an_empty_body(string head, int status)
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(kestrel: true), MapRoutes);
        var address = app.Address();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, Ct).AsTask().WaitAsync(TestApps.Timeout, Ct);
        var stream = tcp.GetStream();
        var request = string.Format(System.Globalization.CultureInfo.InvariantCulture, head, new string('x', 40_000)) + "\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Ct).AsTask().WaitAsync(TestApps.Timeout, Ct);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(Ct).WaitAsync(TestApps.Timeout, Ct);

        Assert.StartsWith($"HTTP/1.1 {status} ", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 0", answer, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("problem+json", answer, StringComparison.Ordinal);
    }
}
