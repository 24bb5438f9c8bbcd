using System.ComponentModel.DataAnnotations;

namespace Sage.Memory.Embeddings;

/// <summary>
/// How Memory turns text into vectors (<c>Sage:Embeddings</c>, aliases <c>SAGE_EMBEDDINGS_*</c>, or the connection string
/// <c>ConnectionStrings:embeddings</c> = <c>Endpoint=…;Key=…;Model=…</c>, which implies <c>openai</c>); validated at start.
/// </summary>
public sealed class EmbeddingOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Sage:Embeddings";

    /// <summary>The Aspire connection string name.</summary>
    public const string ConnectionStringName = "embeddings";

    /// <summary>
    /// <c>local</c> (default: all-MiniLM-L6-v2 in-process, offline), <c>openai</c> (any OpenAI-compatible <c>/v1/embeddings</c>)
    /// or <c>none</c> (callers send vectors). Unset with an <c>embeddings</c> connection string: <c>openai</c>.
    /// </summary>
    [RegularExpression("^(?i)(local|openai|none)$", ErrorMessage = "Sage:Embeddings:Provider (SAGE_EMBEDDINGS_PROVIDER) must be local, openai or none.")]
    public string? Provider { get; set; }

    /// <summary>openai: the base URL the API's paths follow, e.g. <c>https://api.openai.com/v1</c> or <c>http://localhost:11434/v1</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>openai: the API key, if the endpoint wants one.</summary>
    public string? Key { get; set; }

    /// <summary>openai: the model, e.g. <c>text-embedding-3-small</c>. local: only all-MiniLM-L6-v2 is served.</summary>
    public string? Model { get; set; }

    /// <summary>openai: the dimensions to ask for, for models that can shorten their vectors; unset, the model's own.</summary>
    [Range(1, 65536)]
    public int? Dimensions { get; set; }

    /// <summary>How long one call to the openai endpoint may take before Memory answers 503. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Embeddings kept for identical texts (least recently used dropped first); 0 turns the cache off. Default 4096.</summary>
    [Range(0, 1_000_000)]
    public int CacheSize { get; set; } = 4096;

    /// <summary>The provider in effect: explicit, else <c>openai</c> when an endpoint is set, else <c>local</c>.</summary>
    public string EffectiveProvider => Provider?.ToLowerInvariant() ?? (string.IsNullOrWhiteSpace(Endpoint) ? "local" : "openai");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EffectiveProvider == "openai")
        {
            if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
                yield return new ValidationResult("Sage:Embeddings:Endpoint (SAGE_EMBEDDINGS_ENDPOINT, or Endpoint= in ConnectionStrings:embeddings) must be an http(s) URL such as https://api.openai.com/v1 for the openai provider.",
                    [nameof(Endpoint)]);
            if (string.IsNullOrWhiteSpace(Model))
                yield return new ValidationResult("Sage:Embeddings:Model (SAGE_EMBEDDINGS_MODEL, or Model= in ConnectionStrings:embeddings) is required for the openai provider, e.g. text-embedding-3-small.",
                    [nameof(Model)]);
        }
        if (EffectiveProvider == "local" && Model is { Length: > 0 } model && !model.Equals(LocalMiniLmGenerator.ModelName, StringComparison.OrdinalIgnoreCase))
            yield return new ValidationResult($"The local provider serves only {LocalMiniLmGenerator.ModelName}, not '{model}'; for another model use the openai provider with an OpenAI-compatible server (e.g. Ollama).",
                [nameof(Model)]);
    }
}
