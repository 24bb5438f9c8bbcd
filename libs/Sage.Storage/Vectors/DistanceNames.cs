using System.ComponentModel.DataAnnotations;

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

    /// <summary>The distance a request or setting names: absent means cosine; an unknown name is a 400 naming <paramref name="field"/>.</summary>
    public static Distance Parse(string? name, string field) =>
        string.IsNullOrWhiteSpace(name) ? Distance.Cosine
        : TryParse(name, out var parsed) ? parsed
        : throw StorageException.Invalid(field, $"Unknown distance '{name}'; use cosine, dot or euclid.");
}

/// <summary>Options validation of a distance setting, by the same rule as <see cref="DistanceNames.TryParse"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DistanceNameAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) => value is null || DistanceNames.TryParse(value as string, out _);
}
