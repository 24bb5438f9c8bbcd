using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sage.Memory.Tests;

/// <summary>
/// A small server following OpenAI's documented embeddings API (<c>POST /v1/embeddings</c>): input a string or an array of
/// strings; <c>encoding_format</c> <c>float</c> (the default) or <c>base64</c> (little-endian float32); <c>dimensions</c>
/// honoured; the answer <c>{"object":"list","data":[{"object":"embedding","index","embedding"}],"model","usage"}</c>. Its
/// vectors are bags of words over <see cref="Dimension"/> buckets, so texts sharing words are near. <see cref="Answer"/>
/// switches it to errors in OpenAI's error shape, or to a slow answer.
/// </summary>
public sealed class OpenAiStandIn : IAsyncDisposable
{
    public const int Dimension = 16;
    public const string ApiKey = "sk-stand-in";

    private readonly WebApplication _app;

    /// <summary>What the next requests get: 200, an error status (401, 429, 500…), or <see cref="Slow"/>.</summary>
    public int Answer { get; set; } = 200;

    /// <summary>Answer <see cref="Answer"/> after this long.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Like servers that ignore <c>encoding_format</c>: always floats.</summary>
    public bool AlwaysFloats { get; set; }

    /// <summary>Every request body received, and its Authorization header.</summary>
    public ConcurrentQueue<(JsonElement Body, string? Authorization)> Requests { get; } = new();

    public Uri Endpoint { get; private set; } = null!;

    private OpenAiStandIn()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/embeddings", (Delegate)HandleAsync);
    }

    public static async Task<OpenAiStandIn> StartAsync()
    {
        var standIn = new OpenAiStandIn();
        await standIn._app.StartAsync();
        var address = standIn._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.Endpoint = new Uri(address.TrimEnd('/') + "/v1");
        return standIn;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var body = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone();
        Requests.Enqueue((body, context.Request.Headers.Authorization.ToString()));
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay, context.RequestAborted);
        if (Answer != 200)
        {
            if (Answer == 429)
                context.Response.Headers.RetryAfter = "7";
            return Results.Json(new { error = new { message = $"stand-in answers {Answer}", type = "stand_in_error", code = Answer.ToString() } }, statusCode: Answer);
        }
        if (context.Request.Headers.Authorization != $"Bearer {ApiKey}")
            return Results.Json(new { error = new { message = "Incorrect API key provided.", type = "invalid_request_error", code = "invalid_api_key" } }, statusCode: 401);

        var inputs = body.GetProperty("input") is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray().Select(e => e.GetString()!).ToArray() : [body.GetProperty("input").GetString()!];
        var dimension = body.TryGetProperty("dimensions", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : Dimension;
        var base64 = !AlwaysFloats && body.TryGetProperty("encoding_format", out var f) && f.GetString() == "base64";
        var data = inputs.Select((text, index) =>
        {
            var vector = BagOfWords(text, dimension);
            object embedding = base64 ? Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray()) : vector;
            return new Dictionary<string, object> { ["object"] = "embedding", ["index"] = index, ["embedding"] = embedding };
        }).ToArray();
        var tokens = inputs.Sum(t => t.Split(' ').Length);
        return Results.Json(new Dictionary<string, object>
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = body.GetProperty("model").GetString()!,
            ["usage"] = new Dictionary<string, int> { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        });
    }

    public static float[] BagOfWords(string text, int dimension)
    {
        var vector = new float[dimension];
        foreach (var word in text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            vector[word.Aggregate(17, (h, c) => (h * 31 + c) & 0x7fffffff) % dimension] += 1f;
        // A text of no known word still gets a direction, as a real model's would.
        vector[0] += 0.01f;
        return vector;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
