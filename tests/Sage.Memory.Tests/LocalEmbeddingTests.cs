using System.Numerics.Tensors;
using Sage.Memory.Embeddings;

namespace Sage.Memory.Tests;

/// <summary>The local provider itself: the real all-MiniLM-L6-v2, in-process and offline (loaded once per test run).</summary>
public sealed class LocalEmbeddingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Local_model_ranks_a_paraphrase_above_distractors()
    {
        using var generator = new LocalMiniLmGenerator();
        string[] candidates = ["stock markets fell", "the cat sits on the mat", "the train to Lyon leaves at noon", "a recipe for chocolate cake"];
        var query = (await generator.GenerateAsync(["a feline rests on a rug"], cancellationToken: Ct))[0].Vector.ToArray();
        var vectors = await generator.GenerateAsync(candidates, cancellationToken: Ct);

        var scores = vectors.Select(v => TensorPrimitives.CosineSimilarity(query, v.Vector.Span)).ToArray();
        var best = Array.IndexOf(scores, scores.Max());
        Assert.Equal("the cat sits on the mat", candidates[best]);
        Assert.True(scores[1] > scores[0] + 0.3f, $"the paraphrase should be far closer than 'stock markets fell': {string.Join(", ", scores)}");
    }

    [Fact]
    public async Task Local_model_gives_384_dimensional_unit_vectors_named_by_the_model()
    {
        using var generator = new LocalMiniLmGenerator();
        var embedding = (await generator.GenerateAsync(["hello world"], cancellationToken: Ct))[0];
        Assert.Equal(LocalMiniLmGenerator.Dimension, embedding.Vector.Length);
        Assert.Equal(1.0, TensorPrimitives.Norm(embedding.Vector.Span), 3);
        Assert.Equal("all-MiniLM-L6-v2", embedding.ModelId);
    }

    [Fact]
    public void Word_pieces_are_counted_past_the_limit_so_long_text_can_be_refused()
    {
        Assert.True(LocalMiniLmGenerator.CountWordPieces("the cat sits on the mat") < 16);
        Assert.True(LocalMiniLmGenerator.CountWordPieces(string.Join(' ', Enumerable.Repeat("memory", 300))) > LocalMiniLmGenerator.MaxWordPieces);
    }

    [Fact]
    public void Cache_gives_copies_and_drops_the_least_recently_used_first()
    {
        var cache = new EmbeddingCache(2);
        cache.Add("a", [1f]);
        cache.Add("b", [2f]);
        Assert.True(cache.TryGet("a", out var a));
        a[0] = 99f;
        cache.Add("c", [3f]);

        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out var again));
        Assert.Equal(1f, again[0]);
        Assert.True(cache.TryGet("c", out _));
        Assert.Equal(2, cache.Count);
        Assert.NotEqual(EmbeddingCache.KeyOf("m1", "text"), EmbeddingCache.KeyOf("m2", "text"));
    }
}
