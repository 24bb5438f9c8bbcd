using System.ClientModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Sage.ServiceDefaults.Http;
using Sage.Storage;

namespace Sage.Memory.Embeddings;

/// <summary>A text's vector and the model that made it.</summary>
public sealed record TextEmbedding(float[] Vector, string Model);

/// <summary>
/// Turns a memory's text (or a search query) into a vector with the configured provider, through a cache of recent texts. The
/// failures of a remote provider become problems the caller can act on: down, slow or 5xx → 503 with <c>Retry-After</c>; 429
/// → 503 with its <c>Retry-After</c>; 401/403 and other refusals → 502 naming the setting to fix; a 400 about the input → 400.
/// Nothing is written by a request whose text could not be embedded: embedding comes before any write.
/// </summary>
public sealed class MemoryEmbedder(IOptions<EmbeddingOptions> options, IServiceProvider services, ILogger<MemoryEmbedder> logger)
{
    private readonly EmbeddingOptions _options = options.Value;
    private readonly EmbeddingCache _cache = new(options.Value.CacheSize);

    /// <summary><c>local</c>, <c>openai</c> or <c>none</c>.</summary>
    public string Provider => _options.EffectiveProvider;

    /// <summary>The model kept with each memory it embeds; null for <c>none</c>.</summary>
    public string? Model => Provider switch
    {
        "local" => LocalMiniLmGenerator.ModelName,
        "openai" => _options.Model,
        _ => null,
    };

    /// <summary>Records a problem with a text field: present but empty or blank.</summary>
    public static void ValidateText(RequestValidation errors, string? text, string field)
    {
        if (text is not null)
            errors.Require(!string.IsNullOrWhiteSpace(text), field, $"{field} must not be empty.");
    }

    /// <summary>The vector of <paramref name="text"/>; a 400 naming <paramref name="field"/> when it cannot be embedded here.</summary>
    public async Task<TextEmbedding> EmbedAsync(string text, string field, CancellationToken cancellationToken)
    {
        var model = RequireModel(field);
        return new TextEmbedding((await EmbedManyAsync([text], field, cancellationToken))[0], model);
    }

    /// <summary>
    /// The vectors of <paramref name="texts"/>, aligned with them: the ones not in the cache go to the model in one call. A text
    /// that cannot be embedded is a 400 naming <c>{field}[i]</c> (or <paramref name="field"/> for a single text).
    /// </summary>
    public async Task<float[][]> EmbedManyAsync(IReadOnlyList<string> texts, string field, CancellationToken cancellationToken)
    {
        var model = RequireModel(field);
        var vectors = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (_cache.TryGet(EmbeddingCache.KeyOf(model, texts[i]), out var cached))
            {
                vectors[i] = cached;
                continue;
            }
            var name = texts.Count == 1 ? field : $"{field}[{i}]";
            if (Provider == "local" && LocalMiniLmGenerator.CountWordPieces(texts[i]) is var pieces && pieces > LocalMiniLmGenerator.MaxWordPieces)
                throw StorageException.Invalid(name,
                    $"{name} is over {pieces - 1} word pieces; {LocalMiniLmGenerator.ModelName} reads at most {LocalMiniLmGenerator.MaxWordPieces} (about 190 English words) and Memory does not cut text silently: split it into several texts.");
            missing.Add(i);
        }

        if (missing.Count > 0)
        {
            var generated = await GenerateAsync(missing.Select(i => texts[i]).ToArray(), field, cancellationToken);
            for (var j = 0; j < missing.Count; j++)
            {
                vectors[missing[j]] = generated[j];
                _cache.Add(EmbeddingCache.KeyOf(model, texts[missing[j]]), generated[j]);
            }
        }
        return vectors;
    }

    private string RequireModel(string field) => Model ?? throw StorageException.Invalid(field,
        $"{field} needs an embedding provider, and Sage:Embeddings:Provider is 'none': send a vector, or set SAGE_EMBEDDINGS_PROVIDER=local (in-process, offline) or openai (with SAGE_EMBEDDINGS_ENDPOINT and SAGE_EMBEDDINGS_MODEL).");

    private async Task<float[][]> GenerateAsync(string[] texts, string field, CancellationToken cancellationToken)
    {
        var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            var embeddings = await generator.GenerateAsync(texts, cancellationToken: timeout.Token);
            return embeddings.Select(e => e.Vector.ToArray()).ToArray();
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw StorageException.Unavailable($"The embedding provider ({Provider}) did not answer within {_options.Timeout.TotalSeconds:0.###} s (Sage:Embeddings:Timeout); nothing was written.", e);
        }
        catch (ClientResultException e)
        {
            throw Upstream(e, field);
        }
        catch (HttpRequestException e)
        {
            throw StorageException.Unavailable($"The embedding provider at {_options.Endpoint} cannot be reached ({e.Message}); nothing was written.", e);
        }
    }

    private Exception Upstream(ClientResultException e, string field)
    {
        var response = e.GetRawResponse();
        var said = response?.Content is { } content && content.ToMemory().Length is > 0 and < 2048 ? content.ToString() : e.Message;
        logger.LogWarning("The embedding provider at {Endpoint} answered {Status}: {Body}", _options.Endpoint, e.Status, said);
        return e.Status switch
        {
            401 or 403 => new EmbeddingProviderException(
                $"The embedding provider at {_options.Endpoint} refused Memory's credentials ({e.Status}): check Sage:Embeddings:Key (SAGE_EMBEDDINGS_KEY, or Key= in ConnectionStrings:embeddings). It said: {said}", e),
            429 => StorageException.Unavailable($"The embedding provider at {_options.Endpoint} is rate-limiting Memory (429); nothing was written. It said: {said}", e,
                RetryAfterOf(response) ?? TimeSpan.FromSeconds(5)),
            400 or 413 or 422 => StorageException.Invalid(field, $"The embedding provider refused {field} ({e.Status}): {said}"),
            >= 500 or 0 => StorageException.Unavailable($"The embedding provider at {_options.Endpoint} failed ({e.Status}); nothing was written. It said: {said}", e),
            _ => new EmbeddingProviderException(
                $"The embedding provider at {_options.Endpoint} answered {e.Status}: check Sage:Embeddings:Endpoint and Sage:Embeddings:Model ('{_options.Model}'). It said: {said}", e),
        };
    }

    private static TimeSpan? RetryAfterOf(System.ClientModel.Primitives.PipelineResponse? response) =>
        response is not null && response.Headers.TryGetValue("Retry-After", out var value)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
}

/// <summary>The embedding provider refused Memory itself (credentials, model, endpoint): a deployment fault, answered 502.</summary>
public sealed class EmbeddingProviderException(string message, Exception innerException) : Exception(message, innerException);
