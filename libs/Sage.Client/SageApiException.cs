using System.Net;
using System.Text.Json;

namespace Sage.Client;

/// <summary>
/// A SageAspire service answered with an error: its status and the RFC 9457 problem it sent
/// (title, detail, the bad fields of a 400, the trace id) plus <c>Retry-After</c> when the service is unavailable.
/// </summary>
public sealed class SageApiException : Exception
{
    /// <summary>Creates the exception for a problem response.</summary>
    public SageApiException(HttpStatusCode statusCode, SageProblem problem, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(MessageOf(statusCode, problem), innerException)
    {
        ArgumentNullException.ThrowIfNull(problem);
        StatusCode = statusCode;
        Problem = problem;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem body; an empty problem when the service sent none.</summary>
    public SageProblem Problem { get; }

    /// <summary>What went wrong, in a sentence (the problem's <c>title</c>).</summary>
    public string? Title => Problem.Title;

    /// <summary>The specifics (the problem's <c>detail</c>).</summary>
    public string? Detail => Problem.Detail;

    /// <summary>For a 400: each bad request field (snake_case wire name) and what is wrong with it; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors => Problem.Errors ?? EmptyErrors;

    /// <summary>The trace id the service logged the failure under.</summary>
    public string? TraceId => Problem.TraceId;

    /// <summary>From the <c>Retry-After</c> header (a 503 or 429): how long to wait before trying again.</summary>
    public TimeSpan? RetryAfter { get; }

    private static readonly IReadOnlyDictionary<string, string[]> EmptyErrors = new Dictionary<string, string[]>();

    private static string MessageOf(HttpStatusCode statusCode, SageProblem problem)
    {
        var text = $"{(int)statusCode} {problem.Title ?? statusCode.ToString()}";
        return problem.Detail is { Length: > 0 } detail && detail != problem.Title ? $"{text} {detail}" : text;
    }
}

/// <summary>An RFC 9457 problem as the SageAspire services write it (<c>application/problem+json</c>).</summary>
/// <param name="Type">A URI naming the kind of problem.</param>
/// <param name="Title">What went wrong, for a person.</param>
/// <param name="Status">The HTTP status repeated in the body.</param>
/// <param name="Detail">The specifics of this occurrence.</param>
/// <param name="Instance">The request path.</param>
/// <param name="TraceId">The trace id the failure was logged under.</param>
/// <param name="Errors">For a 400: each bad field and its messages.</param>
public sealed record SageProblem(
    string? Type = null,
    string? Title = null,
    int? Status = null,
    string? Detail = null,
    string? Instance = null,
    string? TraceId = null,
    IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>The first bad field of a 400, if any.</summary>
    public string? FirstErrorField => Errors?.Keys.FirstOrDefault();

    internal static SageProblem Parse(string? body, int status)
    {
        if (string.IsNullOrWhiteSpace(body))
            return new SageProblem(Status: status);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return new SageProblem(Status: status, Detail: body);
            var root = document.RootElement;
            return new SageProblem(
                StringOf(root, "type"),
                StringOf(root, "title"),
                root.TryGetProperty("status", out var s) && s.TryGetInt32(out var n) ? n : status,
                StringOf(root, "detail"),
                StringOf(root, "instance"),
                StringOf(root, "trace_id") ?? StringOf(root, "traceId"),
                ErrorsOf(root));
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): keep the text so the message still says something.
            return new SageProblem(Status: status, Detail: body.Length > 500 ? body[..500] : body);
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, string[]>? ErrorsOf(JsonElement root)
    {
        if (!root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
            return null;
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var field in errors.EnumerateObject())
        {
            result[field.Name] = field.Value.ValueKind switch
            {
                JsonValueKind.Array => [.. field.Value.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString()! : m.GetRawText())],
                JsonValueKind.String => [field.Value.GetString()!],
                _ => [field.Value.GetRawText()],
            };
        }
        return result;
    }
}
