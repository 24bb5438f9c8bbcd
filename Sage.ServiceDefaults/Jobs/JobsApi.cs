using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sage.Client.Jobs;

namespace Sage.ServiceDefaults.Jobs;

/// <summary>
/// <c>/jobs</c>: what a service's background jobs are doing. A route that starts one answers 202 with
/// <c>Location: /jobs/{id}</c>; <c>DELETE</c> cancels a running job, or forgets a finished one.
/// </summary>
public static class JobsApi
{
    /// <summary>Registers the <see cref="JobRegistry"/>; a service with jobs calls it beside its other registrations.</summary>
    public static IServiceCollection AddSageJobs(this IServiceCollection services)
    {
        services.TryAddSingleton<JobRegistry>();
        return services;
    }

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("", List).WithName("ListJobs").WithSummary("This process's jobs, newest first (finished ones for an hour).");
        jobs.MapGet("/{id}", Get).WithName("GetJob").WithSummary("A job's state, progress, rate and item errors.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapDelete("/{id}", Delete).WithName("CancelJob").WithSummary("Cancel a running job (202), or forget a finished one (204).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static Ok<JobListResponse> List(JobRegistry registry) =>
        TypedResults.Ok(new JobListResponse([.. registry.List().Select(job => job.View())]));

    public static Results<Ok<JobView>, ProblemHttpResult> Get(string id, JobRegistry registry) =>
        registry.TryGet(id, out var job) ? TypedResults.Ok(job.View()) : JobNotFound(id);

    public static Results<Accepted<JobView>, NoContent, ProblemHttpResult> Delete(string id, JobRegistry registry)
    {
        if (!registry.TryGet(id, out var job))
            return JobNotFound(id);
        if (registry.Forget(id))
            return TypedResults.NoContent();
        registry.Cancel(id);
        return TypedResults.Accepted(job.Location, job.View());
    }

    /// <summary>The answer of a route that started <paramref name="job"/>.</summary>
    public static Accepted<JobView> Started(Job job) => TypedResults.Accepted(job.Location, job.View());

    private static ProblemHttpResult JobNotFound(string id) =>
        TypedResults.Problem(title: "Job not found.",
            detail: $"No job has id '{id}'. Jobs live in the service process: a restart forgets them, and finished jobs are kept for an hour.",
            statusCode: StatusCodes.Status404NotFound);
}
