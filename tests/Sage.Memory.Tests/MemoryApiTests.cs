using System.Net;
using System.Text;
using System.Text.Json;

namespace Sage.Memory.Tests;

/// <summary>Calls on a running Memory stack (the class fixture) and the assertions its API tests share.</summary>
public abstract class MemoryApiTests<TStack>(TStack stack) : IClassFixture<TStack> where TStack : MemoryStack
{
    protected TStack Stack { get; } = stack;

    protected HttpClient Client => Stack.Client;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    protected static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    protected Task<HttpResponseMessage> PostAsync(string path, string json) => Client.PostAsync(path, JsonBody(json), Ct);

    protected Task<HttpResponseMessage> PatchAsync(string path, string json) => Client.PatchAsync(path, JsonBody(json), Ct);

    protected static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    protected async Task<JsonElement> StoreAsync(string json)
    {
        var response = await PostAsync("/memory", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"store answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return await ReadJsonAsync(response);
    }

    protected async Task<JsonElement> SearchAsync(string json)
    {
        var response = await PostAsync("/memory/search", json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"search answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return (await ReadJsonAsync(response)).GetProperty("results");
    }

    protected static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode status) =>
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");

    protected static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadJsonAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    protected static void AssertNamesField(JsonElement problem, string field) =>
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any(e => e.Name.StartsWith(field, StringComparison.Ordinal)),
            $"errors should name '{field}': {problem}");

    protected static string[] Keys(JsonElement results) => results.EnumerateArray().Select(r => r.GetProperty("key").GetString()!).ToArray();
}
