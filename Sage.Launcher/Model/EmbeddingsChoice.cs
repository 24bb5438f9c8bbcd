namespace Sage.Launcher.Model;

/// <summary>
/// How Memory embeds text, from <c>--embeddings</c>, <c>--embeddings-url</c> and <c>--embeddings-model</c>; passed to Memory as
/// <c>SAGE_EMBEDDINGS_*</c>. Null (no flag given) leaves Memory's own default: the local model.
/// </summary>
public sealed record EmbeddingsChoice(string Provider, string? Url, string? Model)
{
    public const string Local = "local";
    public const string OpenAi = "openai";
    public const string None = "none";

    /// <summary>The choice the flags make, or null when none was given; a URL alone means <c>openai</c>.</summary>
    public static EmbeddingsChoice? From(LaunchRequest request)
    {
        if (request.Embeddings is null && request.EmbeddingsUrl is null && request.EmbeddingsModel is null)
            return null;
        var provider = (request.Embeddings ?? (request.EmbeddingsUrl is null ? Local : OpenAi)).Trim().ToLowerInvariant();
        if (provider is not (Local or OpenAi or None))
            throw new LaunchException($"--embeddings must be local, openai or none, not '{request.Embeddings}'.");
        if (provider == OpenAi && (!Uri.TryCreate(request.EmbeddingsUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            throw new LaunchException("--embeddings openai needs --embeddings-url, the OpenAI-compatible base URL (e.g. https://api.openai.com/v1 or http://localhost:11434/v1).");
        if (provider == OpenAi && string.IsNullOrWhiteSpace(request.EmbeddingsModel))
            throw new LaunchException("--embeddings openai needs --embeddings-model (e.g. text-embedding-3-small, or nomic-embed-text on Ollama).");
        if (provider != OpenAi && request.EmbeddingsUrl is not null)
            throw new LaunchException($"--embeddings-url is for --embeddings openai, not {provider}.");
        return new EmbeddingsChoice(provider, request.EmbeddingsUrl, string.IsNullOrWhiteSpace(request.EmbeddingsModel) ? null : request.EmbeddingsModel.Trim());
    }

    /// <summary>Memory's environment rows for this choice (the key, SAGE_EMBEDDINGS_KEY, passes through from the launcher's own environment).</summary>
    public void AddTo(IDictionary<string, string> env)
    {
        env["SAGE_EMBEDDINGS_PROVIDER"] = Provider;
        if (Url is not null)
            env["SAGE_EMBEDDINGS_ENDPOINT"] = Url;
        if (Model is not null)
            env["SAGE_EMBEDDINGS_MODEL"] = Model;
    }
}
