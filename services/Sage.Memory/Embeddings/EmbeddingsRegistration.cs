using System.ClientModel;
using System.ClientModel.Primitives;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Embeddings;

namespace Sage.Memory.Embeddings;

internal static class EmbeddingsRegistration
{
    /// <summary>
    /// Registers the configured provider behind <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>, the
    /// <see cref="MemoryEmbedder"/> Memory embeds through, and, for <c>local</c>, a background warm-up and a readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddMemoryEmbeddings(this IHostApplicationBuilder builder)
    {
        var connection = ParseConnectionString(builder.Configuration.GetConnectionString(EmbeddingOptions.ConnectionStringName));
        builder.Services.AddOptions<EmbeddingOptions>()
            .BindConfiguration(EmbeddingOptions.SectionName)
            // Aspire's connection string fills what Sage:Embeddings leaves unset.
            .PostConfigure(o =>
            {
                o.Endpoint ??= connection.GetValueOrDefault("endpoint");
                o.Key ??= connection.GetValueOrDefault("key");
                o.Model ??= connection.GetValueOrDefault("model");
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<MemoryEmbedder>();
        builder.Services.AddExceptionHandler<EmbeddingProviderExceptionHandler>();
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
            return options.EffectiveProvider switch
            {
                "openai" => OpenAiGenerator(options),
                "local" => new LocalMiniLmGenerator(),
                _ => throw new InvalidOperationException("Sage:Embeddings:Provider is 'none': Memory embeds nothing."),
            };
        });
        builder.Services.AddHostedService<LocalModelWarmUp>();
        builder.Services.AddHealthChecks().AddCheck<EmbeddingsHealthCheck>("embeddings", tags: ["ready"]);
        return builder;
    }

    private static IEmbeddingGenerator<string, Embedding<float>> OpenAiGenerator(EmbeddingOptions options)
    {
        var client = new EmbeddingClient(options.Model!, new ApiKeyCredential(string.IsNullOrEmpty(options.Key) ? "unused" : options.Key),
            new OpenAIClientOptions
            {
                Endpoint = new Uri(options.Endpoint!),
                NetworkTimeout = options.Timeout,
                // No retries inside a request: a 503 with Retry-After tells the caller when to try again, sooner than a hidden wait.
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            });
        return client.AsIEmbeddingGenerator(options.Dimensions);
    }

    /// <summary><c>Endpoint=…;Key=…;Model=…</c> (keys case-insensitive, lowered here); empty when there is none.</summary>
    internal static Dictionary<string, string> ParseConnectionString(string? connectionString)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(connectionString))
            return values;
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in parsed.Keys)
            if (parsed[key]?.ToString() is { Length: > 0 } value)
                values[key.ToLowerInvariant()] = value;
        return values;
    }

    // Loads the model in the background, so /alive answers at once; /health says Degraded ("the local model is loading") until it is in.
    private sealed class LocalModelWarmUp(MemoryEmbedder embedder, ILogger<LocalModelWarmUp> logger) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (embedder.Provider != "local")
                return Task.CompletedTask;
            return Task.Run(() =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    LocalMiniLmGenerator.WarmUp();
                    logger.LogInformation("Embedding model {Model} loaded in {Elapsed:0} ms", LocalMiniLmGenerator.ModelName, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e)
                {
                    LocalMiniLmGenerator.LoadFailure = e;
                    logger.LogError(e, "Embedding model {Model} could not be loaded; text cannot be stored or searched", LocalMiniLmGenerator.ModelName);
                }
            }, stoppingToken);
        }
    }

    private sealed class EmbeddingsHealthCheck(MemoryEmbedder embedder) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var data = new Dictionary<string, object> { ["provider"] = embedder.Provider };
            if (embedder.Model is { } model)
                data["model"] = model;
            if (embedder.Provider != "local")
                return Task.FromResult(HealthCheckResult.Healthy($"provider {embedder.Provider}", data));
            return Task.FromResult(LocalMiniLmGenerator.LoadFailure is { } failure
                ? HealthCheckResult.Unhealthy("the local model could not be loaded", failure, data)
                : LocalMiniLmGenerator.IsReady
                    ? HealthCheckResult.Healthy("local model loaded", data)
                    // Degraded, not Unhealthy: /health still answers 200 (the launcher, the AppHost's WaitFor and load balancers
                    // start routing), vector requests work, and a text request meanwhile waits for the model instead of failing.
                    : HealthCheckResult.Degraded("the local model is loading", data: data));
        }
    }

    private sealed class EmbeddingProviderExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not EmbeddingProviderException)
                return false;
            httpContext.Response.StatusCode = StatusCodes.Status502BadGateway;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status502BadGateway,
                    Title = "The embedding provider refused Memory's request; the service's configuration needs fixing.",
                    Detail = exception.Message,
                },
                Exception = exception,
            });
        }
    }
}
