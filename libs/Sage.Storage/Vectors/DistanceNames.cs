namespace Sage.Storage.Vectors;

/// <summary>The wire names of <see cref="Distance"/> (<c>cosine</c>, <c>dot</c>, <c>euclid</c>), one definition for every API and client.</summary>
public static class DistanceNames
{
    /// <summary>The lowercase wire name.</summary>
    public static string ToName(this Distance distance) => distance switch
    {
        Distance.Dot => "dot",
        Distance.Euclid => "euclid",
        _ => "cosine",
    };

    /// <summary>Parses a wire name, case-insensitively; <c>euclidean</c> is accepted for <c>euclid</c>.</summary>
    public static bool TryParse(string? name, out Distance distance)
    {
        Distance? parsed = name?.Trim().ToLowerInvariant() switch
        {
            "cosine" => Distance.Cosine,
            "dot" => Distance.Dot,
            "euclid" or "euclidean" => Distance.Euclid,
            _ => null,
        };
        distance = parsed ?? Distance.Cosine;
        return parsed is not null;
    }
}
