using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Sage.ServiceDefaults.Http;

/// <summary>
/// Turns <see cref="RequestValidationException"/> and the framework's request-reading failures (malformed JSON, wrong types, unknown fields, bodies over the limit)
/// into problem responses that name the field, instead of an empty 400.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
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
                Detail = "The request body is over the size limit (Sage:Http:MaxRequestBodyBytes).",
            };
        }
        else if (FindJsonException(badRequest) is { } json)
        {
            var field = JsonPathToField(json.Path);
            problem = ValidationProblem(new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [DescribeJsonError(json, field)] });
        }
        else
        {
            problem = DescribeBindingFailure(badRequest);
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

    // The framework's messages name .NET types and parameters ("Implicit body inferred…", "Nullable<int> limit"); these are ours.
    private static string DescribeJsonError(JsonException json, string field)
    {
        var message = json.Message;
        var name = field.Length == 0 ? "The body" : $"'{field}'";
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            return $"{name} is not a field of this request.";
        if (ConvertedTo().Match(message) is { Success: true } conversion)
            return $"{name} must be {JsonKindOf(conversion.Groups[1].Value)}.";
        if (message.Contains("missing required properties", StringComparison.Ordinal))
            return $"{name} lacks a required field.";
        // The reader's own messages ("'x' is an invalid start of a value.") say what is wrong with the text; keep the first sentence.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string JsonKindOf(string clrType) => clrType switch
    {
        _ when clrType.EndsWith("[]", StringComparison.Ordinal) || clrType.Contains("List", StringComparison.Ordinal) => "a JSON array",
        _ when NumberType().IsMatch(clrType) => "a JSON number (not a string)",
        _ when clrType.Contains("System.Boolean", StringComparison.Ordinal) => "true or false",
        _ when clrType.Contains("System.String", StringComparison.Ordinal) && !clrType.Contains('[', StringComparison.Ordinal) => "a string",
        _ => "a JSON value of the documented type",
    };

    private static ProblemDetails DescribeBindingFailure(BadHttpRequestException badRequest)
    {
        var message = badRequest.Message;
        if (badRequest.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "The request body must be JSON.",
                Detail = "Send the body as JSON with Content-Type: application/json.",
            };
        }
        if (message.Contains("from body", StringComparison.Ordinal) || message.Contains("no body was provided", StringComparison.Ordinal))
            return ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The request body is empty; this route needs a JSON body."] });
        if (BindFailure().Match(message) is { Success: true } failed)
        {
            var parameter = WireName(failed.Groups["name"].Value);
            return ValidationProblem(new Dictionary<string, string[]> { [parameter] = [$"'{failed.Groups["value"].Value}' is not a valid value for {parameter}."] });
        }
        if (MissingParameter().Match(message) is { Success: true } missing)
        {
            var parameter = WireName(missing.Groups["name"].Value);
            return ValidationProblem(new Dictionary<string, string[]> { [parameter] = [$"{parameter} is required."] });
        }
        return new ProblemDetails
        {
            Status = badRequest.StatusCode,
            Title = "The request is not valid.",
            Detail = "The request could not be read; check its path, query and body against the API description.",
        };
    }

    private static string WireName(string parameter) => JsonNamingPolicy.SnakeCaseLower.ConvertName(parameter);

    [GeneratedRegex(@"could not be converted to (\S+?)\.? Path:")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"System\.(U?Int(16|32|64|128)|Single|Double|Decimal|Byte|SByte|Half)\b")]
    private static partial Regex NumberType();

    [GeneratedRegex(@"^Failed to bind parameter ""(?:.* )?(?<name>\w+)"" from ""(?<value>.*)""\.?$", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex(@"^Required parameter ""(?:.* )?(?<name>\w+)"" was not provided")]
    private static partial Regex MissingParameter();
}
