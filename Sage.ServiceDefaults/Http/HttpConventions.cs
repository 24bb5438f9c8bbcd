using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sage.Client;

namespace Sage.ServiceDefaults.Http;

/// <summary>
/// The HTTP conventions of every SageAspire service: snake_case JSON, RFC 9457 problem details for every error,
/// request body limits, the optional API key and the OpenAPI document.
/// </summary>
public static class HttpConventions
{
    /// <summary>Applies SageAspire's wire JSON settings (<see cref="SageJson"/>) to <paramref name="options"/>, strict about input.</summary>
    public static JsonSerializerOptions ApplySageJson(this JsonSerializerOptions options)
    {
        options.ApplyWireSettings();
        // A misspelt field ("topk") is a 400 naming it, not a silently ignored default.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.Converters.Add(new UnicodeJsonElementConverter());
        return options;
    }

    /// <summary>Registers the conventions; <c>app.UseSageHttpConventions()</c> adds their middleware.</summary>
    public static TBuilder AddHttpConventions<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<HttpLimitsOptions>()
            .BindConfiguration(HttpLimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ApiKeyOptions>()
            .BindConfiguration(ApiKeyOptions.SectionName)
            .ValidateOnStart();

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.ApplySageJson());
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsEnricher.Enrich);
        builder.Services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddSingleton<IDeveloperPageExceptionFilter, ExceptionHandlersFirstFilter>();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelLimitsSetup>();
        // AddAuthenticationCore, not AddAuthentication: the latter adds Data Protection, whose hosted service loads the
        // key ring (XML, OpenSSL) at start for ~8 MB of idle RSS; the API-key scheme needs no cookies or protected state.
        builder.Services.AddAuthenticationCore(o => o.DefaultScheme = ApiKeyAuthenticationHandler.SchemeName);
        builder.Services.AddWebEncoders();
        new AuthenticationBuilder(builder.Services)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        // With a key configured, every endpoint needs it unless it allows anonymous callers (the health probes do).
        builder.Services.AddOptions<AuthorizationOptions>().Configure<IOptions<ApiKeyOptions>>((authorization, apiKey) =>
        {
            if (!string.IsNullOrEmpty(apiKey.Value.ApiKey))
                authorization.FallbackPolicy = new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
        });
        return builder;
    }


    private sealed class KestrelLimitsSetup(IOptions<HttpLimitsOptions> limits) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions options) =>
            options.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
    }
}
