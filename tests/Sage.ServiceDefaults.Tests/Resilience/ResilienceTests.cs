using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Sage.ServiceDefaults.Discovery;
using Sage.ServiceDefaults.Resilience;

namespace Sage.ServiceDefaults.Tests.Resilience;

public sealed class ResilienceTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly ConcurrentQueue<string> _bodies = new();
    private Microsoft.AspNetCore.Builder.WebApplication _backend = null!;

    public async ValueTask InitializeAsync() => _backend = await TestApps.StartBackendAsync(app =>
    {
        // The first call to each route fails (or stalls); later calls succeed.
        app.MapMethods("/flaky", ["GET", "POST"], async (HttpRequest request) =>
        {
            _bodies.Enqueue(await new StreamReader(request.Body).ReadToEndAsync());
            return Hit("flaky") == 1 ? Results.StatusCode(503) : Results.Text("ok");
        });
        app.MapGet("/slow-once", async (CancellationToken aborted) =>
        {
            if (Hit("slow-once") == 1)
                await Task.Delay(TimeSpan.FromSeconds(5), aborted);
            return "ok";
        });
        app.MapGet("/slow", async (CancellationToken aborted) =>
        {
            Hit("slow");
            await Task.Delay(TimeSpan.FromSeconds(5), aborted);
            return "late";
        });
        app.MapPost("/broken", () =>
        {
            Hit("broken");
            return Results.StatusCode(500);
        });
    });

    public async ValueTask DisposeAsync() => await _backend.DisposeAsync();

    private int Hit(string route) => _hits.AddOrUpdate(route, 1, (_, n) => n + 1);

    private HttpClient Client(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["services:backend:http:0"] = _backend.Address().ToString(),
                [$"{SageResilienceOptions.SectionName}:RetryBaseDelay"] = "00:00:00.010",
            })
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"{SageResilienceOptions.SectionName}:{s.Key}", s.Value)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddHttpClient("backend", c => c.BaseAddress = new Uri("http://backend")).AddStandardResilienceHandler().AddServiceDiscovery();
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("backend");
    }

    [Fact]
    public async Task Get_is_retried_after_a_transient_failure()
    {
        var response = await Client().GetAsync("/flaky", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _hits["flaky"]);
    }

    [Fact]
    public async Task Post_is_not_retried()
    {
        var response = await Client().PostAsync("/flaky", new StringContent("once"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _hits["flaky"]);
    }

    [Fact]
    public async Task Post_marked_idempotent_is_retried_with_its_body_sent_again()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/flaky")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("""{"keys":["a","b"]}"""))),
        }.MarkIdempotent();

        var response = await Client().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["""{"keys":["a","b"]}""", """{"keys":["a","b"]}"""], _bodies);
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried()
    {
        var client = Client(("AttemptTimeout", "00:00:01"));

        var body = await client.GetStringAsync("/slow-once", TestContext.Current.CancellationToken);

        Assert.Equal("ok", body);
        // Two on an idle machine; a loaded one may also time out the second attempt.
        Assert.InRange(_hits["slow-once"], 2, 4);
    }

    [Fact]
    public async Task Total_timeout_surfaces_as_HttpRequestException_wrapping_TimeoutRejectedException()
    {
        var client = Client(("AttemptTimeout", "00:00:00.200"), ("TotalRequestTimeout", "00:00:00.500"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/slow", TestContext.Current.CancellationToken));

        Assert.IsType<TimeoutRejectedException>(error.InnerException);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Circuit_opens_after_repeated_failures_and_short_circuits_further_calls()
    {
        var client = Client(("CircuitBreakerMinimumThroughput", "2"), ("AttemptTimeout", "00:00:05"), ("CircuitBreakerSamplingDuration", "00:00:10"));

        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync("/broken", null, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync("/broken", null, TestContext.Current.CancellationToken)).StatusCode);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("/broken", null, TestContext.Current.CancellationToken));

        Assert.IsType<BrokenCircuitException>(error.InnerException);
        Assert.Contains("http://backend", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _hits["broken"]);
    }

    [Fact]
    public void Retry_after_is_honoured_up_to_the_cap()
    {
        using var soon = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        soon.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
        using var late = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        late.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromSeconds(2), HttpResiliencePipelines.RetryAfter(soon, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(10), HttpResiliencePipelines.RetryAfter(late, TimeSpan.FromSeconds(10)));
        Assert.Null(HttpResiliencePipelines.RetryAfter(new HttpResponseMessage(HttpStatusCode.BadGateway), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Invalid_options_fail_the_host_at_start()
    {
        var builder = TestApps.CreateBuilder(new Dictionary<string, string?>
        {
            [$"{SageResilienceOptions.SectionName}:AttemptTimeout"] = "00:01:00",
            [$"{SageResilienceOptions.SectionName}:TotalRequestTimeout"] = "00:00:30",
        });

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestApps.StartServiceAsync(builder));

        Assert.Contains("AttemptTimeout", error.Message, StringComparison.Ordinal);
    }
}
