using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sage.ServiceDefaults.Health;

namespace Sage.ServiceDefaults.Http;

/// <summary>With an API key configured, refuses every request without it (401 problem), except the health probes.</summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ApiKeyOptions> options, IProblemDetailsService problems)
{
    public const string HeaderName = SageClientHostingExtensions.ApiKeyHeader;

    // Hash once so the comparison below takes the same time whatever the length of the presented key.
    private readonly byte[]? _expectedHash = string.IsNullOrEmpty(options.Value.ApiKey)
        ? null
        : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey));

    public async Task InvokeAsync(HttpContext context)
    {
        if (_expectedHash is null || HealthEndpoints.IsProbe(context.Request.Path) || Presents(context.Request, _expectedHash))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "An API key is required.",
                Detail = $"Send the key in the {HeaderName} header or as 'Authorization: Bearer <key>'.",
            },
        });
    }

    private static bool Presents(HttpRequest request, byte[] expectedHash)
    {
        string? presented = request.Headers[HeaderName];
        if (string.IsNullOrEmpty(presented))
        {
            string? authorization = request.Headers.Authorization;
            if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                presented = authorization["Bearer ".Length..].Trim();
        }
        if (string.IsNullOrEmpty(presented))
            return false;
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash);
    }
}
