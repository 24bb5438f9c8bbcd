using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Sage.ServiceDefaults.Tests.Http;

public sealed class ApiKeyTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await TestApps.StartServiceAsync(
            TestApps.CreateBuilder(new Dictionary<string, string?> { ["Sage:ApiKey"] = "s3cret" }),
            app => app.MapGet("/data", () => "data"));
        _client = _app.GetTestClient();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> GetAsync(string path, Action<HttpRequestMessage>? authenticate = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        authenticate?.Invoke(request);
        return _client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Request_without_the_key_is_a_401_problem()
    {
        var response = await GetAsync("/data");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-Api-Key", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_key_is_refused()
    {
        var response = await GetAsync("/data", r => r.Headers.Add("X-Api-Key", "guess"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Key_in_X_Api_Key_or_bearer_token_is_accepted()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/data", r => r.Headers.Add("X-Api-Key", "s3cret"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/data", r => r.Headers.Authorization = new("Bearer", "s3cret"))).StatusCode);
    }

    [Fact]
    public async Task Health_probes_need_no_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/alive")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/metrics")).StatusCode);
    }
}
