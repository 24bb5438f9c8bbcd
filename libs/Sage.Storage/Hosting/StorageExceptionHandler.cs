using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sage.Storage.Hosting;

/// <summary>
/// Answers every <see cref="StorageException"/> with the problem response its <see cref="StorageError"/> stands for:
/// 400 (listing the field), 404, 409, 412, 413, 507, or 503 with <c>Retry-After</c>.
/// </summary>
public sealed class StorageExceptionHandler(IProblemDetailsService problems, ILogger<StorageExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StorageException storage)
            return false;

        var status = StatusCodeOf(storage.Error);
        // Whenever a field is at fault it is listed under `errors`, whatever the status, so clients read one shape.
        ProblemDetails problem = storage.Field is { } field
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [storage.Message] })
            {
                Title = storage.Error == StorageError.Invalid ? $"The request field '{field}' is not valid." : TitleOf(storage.Error),
            }
            : new ProblemDetails { Title = TitleOf(storage.Error) };
        problem.Status = status;
        problem.Detail = storage.Message;

        if (storage.Error == StorageError.Unavailable)
        {
            var retryAfter = storage.RetryAfter ?? TimeSpan.FromSeconds(2);
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            logger.LogWarning(storage, "A storage backend is unavailable: {Message}", storage.Message);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>The HTTP status of each storage failure.</summary>
    public static int StatusCodeOf(StorageError error) => error switch
    {
        StorageError.Invalid => StatusCodes.Status400BadRequest,
        StorageError.NotFound => StatusCodes.Status404NotFound,
        StorageError.Conflict => StatusCodes.Status409Conflict,
        StorageError.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        StorageError.TooLarge => StatusCodes.Status413PayloadTooLarge,
        StorageError.CapacityExceeded => StatusCodes.Status507InsufficientStorage,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    private static string TitleOf(StorageError error) => error switch
    {
        StorageError.Invalid => "The request is not valid.",
        StorageError.NotFound => "Not found.",
        StorageError.Conflict => "The request conflicts with what is stored.",
        StorageError.PreconditionFailed => "The precondition did not hold; nothing was changed.",
        StorageError.TooLarge => "The request is over a size limit.",
        StorageError.CapacityExceeded => "The store is full.",
        _ => "A storage backend is unavailable; retry later.",
    };
}

/// <summary>Registration of <see cref="StorageExceptionHandler"/>.</summary>
public static class StorageExceptionHandlerExtensions
{
    /// <summary>Maps storage failures to problem responses.</summary>
    public static IServiceCollection AddStorageProblemDetails(this IServiceCollection services) =>
        services.AddExceptionHandler<StorageExceptionHandler>();
}
