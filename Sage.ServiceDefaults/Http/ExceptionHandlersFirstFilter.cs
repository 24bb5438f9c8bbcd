using Microsoft.AspNetCore.Diagnostics;

namespace Sage.ServiceDefaults.Http;

/// <summary>
/// In Development ASP.NET adds the developer exception page inside our exception handler, so without this it would
/// answer every expected failure (a 400, a 404, a 503 with Retry-After) as a 500 page. The registered
/// <see cref="IExceptionHandler"/>s get the exception first; only what none of them handles reaches the page.
/// </summary>
internal sealed class ExceptionHandlersFirstFilter(IEnumerable<IExceptionHandler> handlers) : IDeveloperPageExceptionFilter
{
    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        var context = errorContext.HttpContext;
        foreach (var handler in handlers)
        {
            if (await handler.TryHandleAsync(context, errorContext.Exception, context.RequestAborted))
                return;
        }
        await next(errorContext);
    }
}
