using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Sage.Storage.Hosting;

/// <summary>
/// How a service chooses between its in-process engine and a remote backend, one rule for KV and VDB: the configured
/// <c>{Section}:Backend</c> wins; unset, the remote backend is chosen exactly when its connection string is there. An unknown
/// name, or the remote backend without a connection string, stops the start with a message naming what to set.
/// </summary>
/// <param name="Section">The options section, e.g. <c>Sage:Kv</c>.</param>
/// <param name="Alias">The environment alias of the backend setting, e.g. <c>SAGE_KV_BACKEND</c>.</param>
/// <param name="InProcess">The in-process backend's name, e.g. <c>memory</c>.</param>
/// <param name="Remote">The remote backend's name, e.g. <c>redis</c>.</param>
/// <param name="ConnectionName">The connection string that selects and reaches the remote backend.</param>
/// <param name="WhenMissing">What the remote backend lacks and what to set, ending the error message.</param>
public sealed record BackendSelector(string Section, string Alias, string InProcess, string Remote, string ConnectionName, string WhenMissing)
{
    /// <summary>The backend's name, <see cref="InProcess"/> or <see cref="Remote"/>; throws <see cref="OptionsValidationException"/> for <typeparamref name="TOptions"/>.</summary>
    public string Select<TOptions>(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[$"{Section}:Backend"]?.Trim().ToLowerInvariant();
        var hasRemote = !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionName));
        if (string.IsNullOrEmpty(configured))
            return hasRemote ? Remote : InProcess;
        if (configured == InProcess || (configured == Remote && hasRemote))
            return configured;
        throw new OptionsValidationException(Section, typeof(TOptions),
        [
            configured == Remote
                ? $"{Section}:Backend ({Alias}) is '{Remote}' but {WhenMissing}"
                : $"{Section}:Backend ({Alias}) must be '{InProcess}' or '{Remote}', not '{configured}'.",
        ]);
    }
}
