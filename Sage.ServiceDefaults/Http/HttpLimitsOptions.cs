using System.ComponentModel.DataAnnotations;

namespace Sage.ServiceDefaults.Http;

/// <summary>Request limits shared by every service (<c>Sage:Http</c>).</summary>
public sealed class HttpLimitsOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Sage:Http";

    /// <summary>Largest request body accepted; larger bodies get 413. Default 16 MiB.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;
}
