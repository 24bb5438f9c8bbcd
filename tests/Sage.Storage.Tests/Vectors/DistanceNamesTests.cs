using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors;

public sealed class DistanceNamesTests
{
    [Theory]
    [InlineData(Distance.Cosine, "cosine")]
    [InlineData(Distance.Dot, "dot")]
    [InlineData(Distance.Euclid, "euclid")]
    public void Every_distance_round_trips_through_its_wire_name(Distance distance, string name)
    {
        Assert.Equal(name, distance.ToName());
        Assert.True(DistanceNames.TryParse(name, out var parsed));
        Assert.Equal(distance, parsed);
    }

    [Theory]
    [InlineData("COSINE", Distance.Cosine)]
    [InlineData(" Dot ", Distance.Dot)]
    [InlineData("euclidean", Distance.Euclid)]
    public void Parsing_ignores_case_and_spaces_and_accepts_euclidean(string name, Distance expected)
    {
        Assert.True(DistanceNames.TryParse(name, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("manhattan")]
    public void Unknown_names_are_refused(string? name) => Assert.False(DistanceNames.TryParse(name, out _));
}
