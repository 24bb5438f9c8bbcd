using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Sage.Client;
using Sage.ServiceDefaults.Resilience;

namespace Sage.ServiceDefaults.Tests.Resilience;

public sealed class ResilienceTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly ConcurrentQueue<string> _bodies = new();
    private WebApplication _backend = null!;

    public async ValueTask InitializeAsync() => _backend = await TestApps.StartBackendAsync(app =>
    {
        // The first call to each route fails (or stalls); later calls succeed.
        app.MapMethods("/flaky", ["GET", "POST", "PUT"], async (HttpRequest request) =>
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
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddServiceDiscovery();
        services.AddHttpClient("backend", c => c.BaseAddress = new Uri("http://backend")).AddSageResilienceHandler().AddServiceDiscovery();
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
    public async Task Get_marked_not_idempotent_is_not_retried()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/flaky").MarkIdempotent(false);

        var response = await Client().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _hits["flaky"]);
    }

    [Fact]
    public async Task Post_is_not_retried()
    {
        var response = await Client().PostAsync("/flaky", new StringContent("once"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _hits["flaky"]);
    }

    [Fact]
    public async Task Put_is_not_retried_unless_marked_idempotent()
    {
        var unmarked = await Client().PutAsync("/flaky", new StringContent("once"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unmarked.StatusCode);
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
    public async Task Retries_can_be_turned_off()
    {
        var response = await Client(("MaxRetryAttempts", "0")).GetAsync("/flaky", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _hits["flaky"]);
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
    public async Task Total_timeout_surfaces_as_TimeoutRejectedException()
    {
        var client = Client(("AttemptTimeout", "00:00:00.200"), ("TotalRequestTimeout", "00:00:00.500"));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync("/slow", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Circuit_opens_after_repeated_failures_and_short_circuits_further_calls()
    {
        var client = Client(("CircuitBreakerMinimumThroughput", "2"), ("AttemptTimeout", "00:00:05"), ("CircuitBreakerSamplingDuration", "00:00:10"));

        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync("/broken", null, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync("/broken", null, TestContext.Current.CancellationToken)).StatusCode);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.PostAsync("/broken", null, TestContext.Current.CancellationToken));

        Assert.Equal(2, _hits["broken"]);
    }

    [Fact]
    public async Task Invalid_options_fail_the_host_at_start()
    {
        var builder = TestApps.CreateBuilder(new Dictionary<string, string?>
        {
            [$"{SageResilienceOptions.SectionName}:AttemptTimeout"] = "00:01:00",
            [$"{SageResilienceOptions.SectionName}:TotalRequestTimeout"] = "00:00:30",
        });

        // Ours and the standard handler's options are both validated at start, so the host may report the failure twice, aggregated.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestApps.StartServiceAsync(builder));

        var validation = error as OptionsValidationException ?? Assert.IsType<OptionsValidationException>(Assert.IsType<AggregateException>(error).InnerExceptions[0]);
        Assert.Contains("AttemptTimeout (00:01:00) must be shorter than TotalRequestTimeout", validation.Message, StringComparison.Ordinal);
    }
}
