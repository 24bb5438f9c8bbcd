using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sage.EndToEnd.Tests;

/// <summary>JSON over HTTP with a bounded timeout, and the assertions the seed flows need.</summary>
internal static class Http
{
    public static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, json);
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string url) => SendAsync(HttpMethod.Get, url);

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string url, object body) => SendAsync(HttpMethod.Post, url, body);

    public static async Task<JsonElement> OkAsync(Task<(HttpStatusCode Status, JsonElement Body)> call)
    {
        var (status, body) = await call;
        Assert.True((int)status is >= 200 and < 300, $"HTTP {(int)status}: {body}");
        return body;
    }

    /// <summary>True when nothing accepts connections on <paramref name="url"/>.</summary>
    public static async Task<bool> IsClosedAsync(string url)
    {
        try
        {
            using var response = await Client.GetAsync(url + "/health");
            return false;
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await SafeAsync(condition))
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Not within {timeout.TotalSeconds} s: {what}");
            await Task.Delay(200);
        }
    }

    private static async Task<bool> SafeAsync(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The status Memory's <c>/dependencies</c> reports for <paramref name="name"/>, whether the body is
    /// <c>{name: {status}}</c>, <c>{dependencies: {name: {status}}}</c> or a list of <c>{name, status}</c>.
    /// </summary>
    public static string? DependencyStatus(JsonElement body, string name)
    {
        var root = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("dependencies", out var inner) ? inner : body;
        JsonElement? entry = root.ValueKind switch
        {
            JsonValueKind.Object when root.TryGetProperty(name, out var e) => e,
            JsonValueKind.Array => root.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(e => e!.Value.TryGetProperty("name", out var n) && n.GetString() == name),
            _ => null,
        };
        return entry is { ValueKind: JsonValueKind.Object } found && found.TryGetProperty("status", out var status) ? status.ToString() : null;
    }

    public static bool IsUp(string? status) => status is not null && (status.Equals("Healthy", StringComparison.OrdinalIgnoreCase) || status.Equals("up", StringComparison.OrdinalIgnoreCase));
}
