namespace Sage.ServiceDefaults.Http;

/// <summary>The optional shared secret (<c>Sage:ApiKey</c>, alias <c>SAGE_API_KEY</c>).</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Configuration section; the key itself is the section's value.</summary>
    public const string SectionName = "Sage";

    /// <summary>When set, every route but the health probes needs <c>X-Api-Key</c> or <c>Authorization: Bearer</c>.</summary>
    public string? ApiKey { get; set; }
}
