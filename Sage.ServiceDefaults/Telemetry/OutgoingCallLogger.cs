using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Sage.ServiceDefaults.Telemetry;

/// <summary>
/// One log line per outgoing HTTP attempt, in place of the HttpClient factory's default four (LogicalHandler and
/// ClientHandler, start and end each): Information when answered, Warning when no answer came. No query string is logged.
/// </summary>
internal sealed partial class OutgoingCallLogger(ILogger<OutgoingCallLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        Answered(logger, request.Method, Target(request), (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        Failed(logger, request.Method, Target(request), elapsed.TotalMilliseconds, exception.Message);

    private static string Target(HttpRequestMessage request) =>
        request.RequestUri is { IsAbsoluteUri: true } uri ? uri.GetLeftPart(UriPartial.Path) : request.RequestUri?.OriginalString ?? "";

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "HTTP {Method} {Target} answered {StatusCode} in {ElapsedMilliseconds:0.0} ms")]
    private static partial void Answered(ILogger logger, HttpMethod method, string target, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "HTTP {Method} {Target} failed after {ElapsedMilliseconds:0.0} ms: {Reason}")]
    private static partial void Failed(ILogger logger, HttpMethod method, string target, double elapsedMilliseconds, string reason);
}
