using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sage.Storage.Vectors.Qdrant;

public sealed partial class QdrantVectorStore
{
    private static string CollectionPath(string name) => "collections/" + Uri.EscapeDataString(name);

    private static string PointsPath(string collection, string suffix) => CollectionPath(collection) + "/points" + suffix;

    private static StorageException CollectionNotFound(string name) => new(StorageError.NotFound, $"Collection '{name}' does not exist.", "collection");

    /// <summary>Sends one request and returns Qdrant's <c>result</c>; null only for a 404 when <paramref name="notFoundIsNull"/>.</summary>
    private async Task<JsonElement?> SendAsync(HttpMethod method, string path, JsonNode? body, string? collection, CancellationToken cancellationToken, bool notFoundIsNull = false)
    {
        using var response = await SendRawAsync(method, path, body, collection, cancellationToken, notFoundIsNull).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(
                await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
            return document.RootElement.GetProperty("result").Clone();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException)
        {
            throw StorageException.Unavailable($"Qdrant answered {method} {path} with a body that is not a Qdrant response.", ex);
        }
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, JsonNode? body, string? collection, CancellationToken cancellationToken, bool notFoundIsNull = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw StorageException.Unavailable($"Qdrant at {_http.BaseAddress} cannot be reached: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw StorageException.Unavailable($"Qdrant at {_http.BaseAddress} did not answer {method} /{path} in time.", ex);
        }
        catch (SocketException ex)
        {
            throw StorageException.Unavailable($"Qdrant at {_http.BaseAddress} cannot be reached: {ex.Message}", ex);
        }

        if (response.IsSuccessStatusCode || (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound))
        {
            return response;
        }

        using (response)
        {
            var message = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && collection is not null)
            {
                _specs.TryRemove(collection, out _);
            }

            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound when collection is not null => new StorageException(StorageError.NotFound, $"Collection '{collection}' does not exist ({message}).", "collection"),
                HttpStatusCode.NotFound => new StorageException(StorageError.NotFound, $"Qdrant: {message}"),
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new StorageException(StorageError.Invalid, $"Qdrant rejected the request: {message}"),
                HttpStatusCode.Conflict => new StorageException(StorageError.Conflict, $"Qdrant: {message}"),
                HttpStatusCode.RequestEntityTooLarge => new StorageException(StorageError.TooLarge, $"Qdrant: {message}"),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    StorageException.Unavailable($"Qdrant refused the API key ({(int)response.StatusCode}); check ConnectionStrings:qdrant_http or {QdrantOptions.ApiKeyVariable}."),
                _ => StorageException.Unavailable($"Qdrant answered {(int)response.StatusCode}: {message}", retryAfter: response.Headers.RetryAfter?.Delta),
            };
        }
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("status", out var status)
                && status.ValueKind == JsonValueKind.Object
                && status.TryGetProperty("error", out var error))
            {
                return error.GetString() ?? response.ReasonPhrase ?? "error";
            }
        }
        catch (JsonException)
        {
            // Not Qdrant's error shape (a proxy, perhaps): report the text itself.
        }

        return string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase ?? "error" : text.Trim();
    }

    private static void ValidateName(string name) => VectorRequestValidator.ValidateCollectionName(name);
}
