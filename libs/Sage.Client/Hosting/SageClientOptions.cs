namespace Sage.Client.Hosting;

/// <summary>
/// Where a SageAspire client sends its requests and with what key. Bound, in this order (later wins), from
/// <c>Sage:Clients:{name}</c>, the connection string <c>ConnectionStrings:{name}</c>, and the <c>configure</c> delegate.
/// </summary>
public sealed class SageClientOptions
{
    /// <summary>Configuration section holding one subsection per client name.</summary>
    public const string SectionName = "Sage:Clients";

    /// <summary>
    /// The service's address. Default <c>https+http://{name}</c>, which service discovery (ServiceDefaults' or Aspire's)
    /// resolves from <c>services:{name}:https:0</c> / <c>services:{name}:http:0</c>. An app without service discovery must set it.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Sent as <c>X-Api-Key</c> on every request when set. Unset, the shared secret <c>Sage:ApiKey</c> (alias <c>SAGE_API_KEY</c>)
    /// is used, so a service that calls its peers needs the key configured once.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Overall timeout of one call (HttpClient.Timeout); unset keeps HttpClient's default.</summary>
    public TimeSpan? Timeout { get; set; }
}
