using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Sage.ServiceDefaults.Http;

namespace Sage.ServiceDefaults.Tests.Http;

public sealed class ProblemDetailsTests
{
    public sealed record Widget(string Name, int Count);

    private static void MapRoutes(WebApplication app)
    {
        app.MapPost("/widgets", (Widget widget) => TypedResults.Ok(widget));
        app.MapGet("/boom", string () => throw new InvalidOperationException("secret internal detail"));
        app.MapGet("/invalid", string () => throw RequestValidationException.For("top_k", "top_k must be between 1 and 1000."));
    }

    private static async Task<(HttpResponseMessage Response, JsonElement Problem)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static HttpRequestMessage PostJson(string json) =>
        new(HttpMethod.Post, "/widgets") { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), MapRoutes);

        var (response, problem) = await SendAsync(app.GetTestClient(), new HttpRequestMessage(HttpMethod.Get, "/nowhere"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("/nowhere", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_field_is_a_400_problem_naming_the_field()
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), MapRoutes);

        var (response, problem) = await SendAsync(app.GetTestClient(), PostJson("""{"name":"a","count":"many"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("count", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("count", out _));
    }

    [Fact]
    public async Task Unknown_field_is_a_400_problem_naming_it()
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), MapRoutes);

        var (response, problem) = await SendAsync(app.GetTestClient(), PostJson("""{"name":"a","count":1,"topk":3}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("topk", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_over_the_limit_is_a_413_problem()
    {
        var builder = TestApps.CreateBuilder(new Dictionary<string, string?> { ["Sage:Http:MaxRequestBodyBytes"] = "1024" }, kestrel: true);
        await using var app = await TestApps.StartServiceAsync(builder, MapRoutes);
        using var client = new HttpClient { BaseAddress = app.Address() };

        var (response, problem) = await SendAsync(client, PostJson($$"""{"name":"{{new string('x', 5000)}}","count":1}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Unhandled_exception_is_a_500_problem_without_the_stack_trace_in_production()
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), MapRoutes);

        var (response, problem) = await SendAsync(app.GetTestClient(), new HttpRequestMessage(HttpMethod.Get, "/boom"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.True(problem.TryGetProperty("trace_id", out _));
        Assert.DoesNotContain("secret internal detail", problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("ProblemDetailsTests", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Handled_exceptions_keep_their_status_in_every_environment(string environment)
    {
        // In Development ASP.NET puts its exception page inside ours; it must not turn a 400 into a 500.
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(environment: environment), MapRoutes);

        var (response, problem) = await SendAsync(app.GetTestClient(), new HttpRequestMessage(HttpMethod.Get, "/invalid"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("top_k", out _));
    }

    [Fact]
    public async Task Valid_body_round_trips_in_snake_case()
    {
        await using var app = await TestApps.StartServiceAsync(TestApps.CreateBuilder(), MapRoutes);

        var response = await app.GetTestClient().SendAsync(PostJson("""{"name":"a","count":2}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a", (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("name").GetString());
    }
}
