using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sage.Client;
using Sage.Client.Jobs;
using Sage.ServiceDefaults.Jobs;

namespace Sage.ServiceDefaults.Tests.Jobs;

/// <summary>/jobs over real HTTP, with test routes that start jobs the way an import or a re-embed does.</summary>
public sealed class JobsApiTests : IAsyncLifetime
{
    // The "gated" job waits for this before finishing, so a test can watch it running.
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = TestApps.CreateBuilder();
        builder.Services.AddSageJobs();
        _app = await TestApps.StartServiceAsync(builder, app =>
        {
            app.MapJobsApi();
            app.MapPost("/start/gated", (JobRegistry jobs) => JobsApi.Started(jobs.Start("test.gated", async (job, token) =>
            {
                job.Advance(3);
                job.RecordError(1, "item 1 is bad");
                await _release.Task.WaitAsync(token);
                job.Advance(7);
            }, total: 10)));
            app.MapPost("/start/failing", (JobRegistry jobs) => JobsApi.Started(jobs.Start("test.failing", (job, _) =>
                throw new InvalidOperationException("The upstream store refused the batch."))));
            app.MapPost("/start/noisy", (JobRegistry jobs) => JobsApi.Started(jobs.Start("test.noisy", (job, _) =>
            {
                for (var i = 0; i < 250; i++)
                    job.RecordError(i, $"item {i} is bad");
                return Task.CompletedTask;
            })));
        });
        _client = _app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Starting_a_job_answers_202_with_its_location_and_get_shows_progress_until_it_succeeds()
    {
        var response = await _client.PostAsync("/start/gated", null, Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/jobs/", location, StringComparison.Ordinal);
        var running = await WaitForAsync(location, view => view.Done == 3);
        Assert.Equal(JobState.Running, running.State);
        Assert.Equal(10, running.Total);
        Assert.Equal([new JobItemError(1, "item 1 is bad")], running.Errors);

        _release.SetResult();
        var done = await WaitForAsync(location, view => view.State != JobState.Running);

        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(10, done.Done);
        Assert.Equal(1, done.ErrorCount);
        Assert.NotNull(done.FinishedAt);
        Assert.True(done.RatePerSecond > 0);
    }

    [Fact]
    public async Task Delete_cancels_a_running_job_and_then_forgets_it()
    {
        var location = (await _client.PostAsync("/start/gated", null, Cancel)).Headers.Location!.ToString();
        await WaitForAsync(location, view => view.Done == 3);

        var cancel = await _client.DeleteAsync(location, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var canceled = await WaitForAsync(location, view => view.State != JobState.Running);
        Assert.Equal(JobState.Canceled, canceled.State);
        Assert.Equal(3, canceled.Done);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync(location, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(location, Cancel)).StatusCode);
    }

    [Fact]
    public async Task A_job_whose_work_throws_ends_failed_with_the_reason()
    {
        var location = (await _client.PostAsync("/start/failing", null, Cancel)).Headers.Location!.ToString();

        var failed = await WaitForAsync(location, view => view.State != JobState.Running);

        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal("The upstream store refused the batch.", failed.Error);
    }

    [Fact]
    public async Task Item_errors_are_all_counted_but_only_the_first_hundred_kept()
    {
        var location = (await _client.PostAsync("/start/noisy", null, Cancel)).Headers.Location!.ToString();

        var done = await WaitForAsync(location, view => view.State != JobState.Running);

        Assert.Equal(250, done.ErrorCount);
        Assert.Equal(Job.MaxKeptErrors, done.Errors.Count);
        Assert.Equal(0, done.Errors[0].Item);
    }

    [Fact]
    public async Task Unknown_job_is_a_404_problem_on_get_and_delete()
    {
        foreach (var response in new[] { await _client.GetAsync("/jobs/nope", Cancel), await _client.DeleteAsync("/jobs/nope", Cancel) })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Contains("'nope'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task List_shows_jobs_newest_first_in_snake_case()
    {
        var first = (await _client.PostAsync("/start/failing", null, Cancel)).Headers.Location!.ToString();
        var second = (await _client.PostAsync("/start/noisy", null, Cancel)).Headers.Location!.ToString();
        await WaitForAsync(second, view => view.State != JobState.Running);

        var json = await _client.GetFromJsonAsync<JsonElement>("/jobs", Cancel);

        var ids = json.GetProperty("jobs").EnumerateArray().Select(job => "/jobs/" + job.GetProperty("id").GetString()).ToList();
        Assert.True(ids.IndexOf(second) < ids.IndexOf(first), string.Join(", ", ids));
        Assert.True(json.GetProperty("jobs")[0].TryGetProperty("rate_per_second", out _));
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<JobView> WaitForAsync(string location, Func<JobView, bool> condition)
    {
        var deadline = DateTime.UtcNow + TestApps.Timeout;
        while (true)
        {
            var view = (await _client.GetFromJsonAsync<JobView>(location, SageJson.Options, Cancel))!;
            if (condition(view))
                return view;
            Assert.True(DateTime.UtcNow < deadline, $"The job never got there; last seen {JsonSerializer.Serialize(view, SageJson.Options)}");
            await Task.Delay(20, Cancel);
        }
    }
}
