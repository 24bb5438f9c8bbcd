namespace Sage.Memory.Tests;

/// <summary>Bad <c>Sage:Embeddings</c> settings stop Memory at start, naming the setting (and its alias) to fix.</summary>
public sealed class EmbeddingSettingsTests
{
    private static async Task<string> StartFailureAsync(params (string Key, string? Value)[] overrides)
    {
        var settings = MemoryStack.MemorySettings("embedded");
        foreach (var (key, value) in overrides)
            settings[key] = value;
        await using var host = new KestrelHost<MemoryOptions>(settings);
        return Assert.ThrowsAny<Exception>(host.Start).ToString();
    }

    [Fact]
    public async Task An_unknown_provider_stops_at_start_naming_the_setting()
    {
        var failure = await StartFailureAsync(("Sage:Embeddings:Provider", "magic"));
        Assert.Contains("SAGE_EMBEDDINGS_PROVIDER", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openai_provider_without_endpoint_or_model_stops_at_start_naming_both()
    {
        var failure = await StartFailureAsync(("Sage:Embeddings:Provider", "openai"));
        Assert.Contains("Sage:Embeddings:Endpoint", failure, StringComparison.Ordinal);
        Assert.Contains("Sage:Embeddings:Model", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_provider_refuses_another_model_and_says_how_to_get_one()
    {
        var failure = await StartFailureAsync(("Sage:Embeddings:Model", "text-embedding-3-small"));
        Assert.Contains("openai provider", failure, StringComparison.Ordinal);
    }
}
