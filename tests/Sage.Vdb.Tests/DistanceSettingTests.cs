using System.Net;
using System.Text;
using System.Text.Json;

namespace Sage.Vdb.Tests;

/// <summary>One distance rule for settings and requests (<c>DistanceNames</c>): the settings once refused <c>euclidean</c>, which requests accept.</summary>
public sealed class DistanceSettingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("euclidean", "euclid")]
    [InlineData("EUCLID", "euclid")]
    [InlineData("dot", "dot")]
    public async Task Default_collection_distance_setting_accepts_every_name_a_request_accepts(string setting, string expected)
    {
        await using var factory = new VdbServiceFactory(new Dictionary<string, string?> { ["Sage:Vdb:Distance"] = setting, ["Sage:Vdb:Dimension"] = "3" });
        using var client = factory.CreateClient();
        var upsert = await client.PostAsync("/vectors", new StringContent("""{"vectors":[{"id":"a","vector":[1,0,0]}]}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, upsert.StatusCode);

        using var info = JsonDocument.Parse(await client.GetStringAsync("/collections/sage_vectors", Ct));
        Assert.Equal(expected, info.RootElement.GetProperty("distance").GetString());
    }

    [Fact]
    public async Task An_unknown_distance_setting_stops_the_start_naming_it()
    {
        await using var factory = new VdbServiceFactory(new Dictionary<string, string?> { ["Sage:Vdb:Distance"] = "manhattan" });
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Sage:Vdb:Distance", failure.ToString(), StringComparison.Ordinal);
    }
}
