using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sage.ServiceDefaults.Http;

/// <summary>
/// The <c>ApiKey</c> authentication scheme: a caller presenting <c>Sage:ApiKey</c> in <c>X-Api-Key</c> or as a bearer token
/// is authenticated. Which routes need it is authorization's business (a fallback policy; the probes allow anonymous).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiKeyOptions> apiKey,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string HeaderName = SageClientHostingExtensions.ApiKeyHeader;

    // Hash once so the comparison below takes the same time whatever the length of the presented key.
    private readonly byte[]? _expectedHash = string.IsNullOrEmpty(apiKey.Value.ApiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(apiKey.Value.ApiKey));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (_expectedHash is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        var presented = Presented(Request);
        if (string.IsNullOrEmpty(presented))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _expectedHash))
            return Task.FromResult(AuthenticateResult.Fail("The API key is not the configured one."));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "An API key is required.",
                Detail = $"Send the key in the {HeaderName} header or as 'Authorization: Bearer <key>'.",
            },
        });
    }

    private static string? Presented(HttpRequest request)
    {
        string? presented = request.Headers[HeaderName];
        if (!string.IsNullOrEmpty(presented))
            return presented;
        string? authorization = request.Headers.Authorization;
        return authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : null;
    }
}
