using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Sage.Memory.Embeddings;
using Sage.ServiceDefaults.Http;

namespace Sage.Memory.Apis;

/// <summary>
/// <c>POST /embeddings</c>: Memory's embedding model in OpenAI's request and response shape, so another app (or the OpenAI
/// SDK, or Microsoft.Extensions.AI's OpenAI generator pointed here) can share the model Memory stores with, and its vectors
/// compare with Memory's. Input is text only (a string or an array of strings), up to <see cref="MaxInputs"/> of them.
/// </summary>
public static class EmbeddingsApi
{
    /// <summary>Most texts in one request (OpenAI's own limit).</summary>
    public const int MaxInputs = 2048;

    public static IEndpointRouteBuilder MapEmbeddingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/embeddings", EmbedAsync).WithTags("Embeddings")
            .WithSummary("Embed text with Memory's model, in OpenAI's /v1/embeddings shape (input: a string or an array; encoding_format: float or base64).");
        return app;
    }

    public static async Task<Ok<EmbeddingsResponse>> EmbedAsync(EmbeddingsRequest request, MemoryEmbedder embedder, CancellationToken cancellationToken)
    {
        var errors = new RequestValidation();
        var texts = Texts(errors, request.Input);
        errors.Require(request.EncodingFormat is null or "float" or "base64", "encoding_format", "encoding_format must be 'float' or 'base64'.");
        if (request.Model is { } model && embedder.Model is { } served && !string.Equals(model, served, StringComparison.OrdinalIgnoreCase))
            errors.Add("model", $"This service embeds with '{served}', not '{model}'; leave model out or send '{served}'.");
        errors.ThrowIfInvalid();

        var vectors = await embedder.EmbedManyAsync(texts, "input", cancellationToken);
        if (request.Dimensions is { } dimensions && vectors.Length > 0 && dimensions != vectors[0].Length)
        {
            errors.Add("dimensions", $"The model gives {vectors[0].Length} dimensions, not {dimensions}; leave dimensions out.");
            errors.ThrowIfInvalid();
        }

        var data = new EmbeddingData[vectors.Length];
        for (var i = 0; i < vectors.Length; i++)
            data[i] = new EmbeddingData("embedding", i, request.EncodingFormat == "base64"
                ? JsonSerializer.SerializeToElement(Convert.ToBase64String(MemoryMarshal.AsBytes(vectors[i].AsSpan())))
                : JsonSerializer.SerializeToElement(vectors[i]));
        // Word pieces are the local model's tokens; a remote provider's count is not passed through, so it is estimated the same way.
        var tokens = texts.Sum(text => LocalMiniLmGenerator.CountWordPieces(text));
        return TypedResults.Ok(new EmbeddingsResponse("list", data, embedder.Model!, new EmbeddingsUsage(tokens, tokens)));
    }

    // OpenAI's input: one string, or an array of strings (token arrays are not taken: the tokenizer is ours to apply).
    private static string[] Texts(RequestValidation errors, JsonElement input)
    {
        string[] texts = input.ValueKind switch
        {
            JsonValueKind.String => [input.GetString()!],
            JsonValueKind.Array when input.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String) =>
                [.. input.EnumerateArray().Select(item => item.GetString()!)],
            _ => [],
        };
        if (input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array) || (input.ValueKind == JsonValueKind.Array && texts.Length != input.GetArrayLength()))
            errors.Add("input", "input must be a string or an array of strings.");
        else if (texts.Length is 0 or > MaxInputs)
            errors.Add("input", $"input must hold 1 to {MaxInputs} texts.");
        for (var i = 0; i < texts.Length; i++)
            MemoryEmbedder.ValidateText(errors, texts[i], input.ValueKind == JsonValueKind.String ? "input" : $"input[{i}]");
        return texts;
    }
}

/// <summary>OpenAI's embeddings request; <c>user</c> is accepted and ignored, as OpenAI-compatible servers do.</summary>
public sealed record EmbeddingsRequest(JsonElement Input, string? Model = null, string? EncodingFormat = null, int? Dimensions = null, string? User = null);

/// <summary>OpenAI's embeddings response: <c>embedding</c> is an array of floats, or base64 of their little-endian bytes.</summary>
public sealed record EmbeddingsResponse(string Object, IReadOnlyList<EmbeddingData> Data, string Model, EmbeddingsUsage Usage);

/// <summary>One embedding, in input order.</summary>
public sealed record EmbeddingData(string Object, int Index, JsonElement Embedding);

/// <summary>Tokens read (word pieces of the local model's tokenizer).</summary>
public sealed record EmbeddingsUsage(int PromptTokens, int TotalTokens);
