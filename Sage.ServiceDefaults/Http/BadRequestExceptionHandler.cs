using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Sage.ServiceDefaults.Http;

/// <summary>
/// Turns <see cref="RequestValidationException"/> and the framework's request-reading failures (malformed JSON, wrong types, unknown fields, bodies over the limit)
/// into problem responses that name the field, instead of an empty 400.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is RequestValidationException validation)
        {
            problem = ValidationProblem(validation.Errors);
        }
        else if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }
        else if (badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = badRequest.Message,
            };
        }
        else if (FindJsonException(badRequest) is { } json)
        {
            var field = JsonPathToField(json.Path);
            problem = ValidationProblem(new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [DescribeJsonError(json)] });
        }
        else
        {
            problem = new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = "The request is not valid.",
                Detail = badRequest.Message,
            };
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>The one shape of every 400 about fields: a title naming the field (or how many), and each field's messages.</summary>
    public static HttpValidationProblemDetails ValidationProblem(IDictionary<string, string[]> errors)
    {
        var title = errors.Count == 1
            ? errors.First().Key == "body" ? "The request body is not valid JSON." : $"The request field '{errors.First().Key}' is not valid."
            : $"{errors.Count} request fields are not valid.";
        return new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
            Detail = string.Join(" ", errors.SelectMany(e => e.Value)),
        };
    }

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is JsonException json)
                return json;
        }
        return null;
    }

    // "$.items[2].ttl" → "items[2].ttl": the wire name of the field, as the client wrote it.
    internal static string JsonPathToField(string? path) =>
        path is null or "$" ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string DescribeJsonError(JsonException json)
    {
        var message = json.Message;
        // The serializer's message names .NET types and a path; keep its first sentence, which says what was wrong.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
