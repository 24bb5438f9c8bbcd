using Sage.Launcher.Model;
using Sage.Launcher.Output;

namespace Sage.Launcher.Processes;

/// <summary>
/// Runs a <see cref="LaunchPlan"/>: checks everything first, starts the services in dependency order waiting for each
/// to be healthy, supervises them (and the managed redis-server), and stops them in reverse order whatever happens.
/// </summary>
internal sealed class LaunchRunner(LaunchPlan plan, ConsoleReporter reporter, ServiceLog log, HealthProbe probe)
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, ChildProcess> _running = [];
    private readonly Dictionary<string, string> _assemblies = [];
    private ManagedRedis? _redis;

    /// <summary>Returns 0 after a requested stop, 1 when a service failed; throws <see cref="LaunchException"/> for start-up errors.</summary>
    public async Task<int> RunAsync(CancellationToken stopping)
    {
        // Every check before the first process starts, so a failure leaves nothing half-started.
        foreach (var service in plan.Services)
            _assemblies[service.Name] = ServiceBinaries.Locate(service.Project);
        if (plan.Redis is { IsManaged: true })
            ManagedRedis.FindExecutable();
        PortAvailability.EnsureFree(plan);

        try
        {
            if (plan.Redis is { IsManaged: true } redis)
            {
                _redis = await ManagedRedis.StartAsync(redis, log, stopping);
                reporter.Info($"started redis (pid {_redis.Process.Id}) on localhost:{redis.Port} for KV; {ConsoleReporter.ManagedRedisData(redis)}");
            }

            var health = new Dictionary<string, string>();
            var pending = plan.Services.ToList();
            while (pending.Count > 0)
            {
                // Every service whose dependencies are up starts at once: KV and VDB do not wait for each other.
                var wave = pending.Where(s => s.Dependencies.All(d => health.ContainsKey(d) || plan.Find(d) is null)).ToList();
                if (wave.Count == 0)
                    throw new LaunchException($"the services {string.Join(", ", pending.Select(s => s.Name))} depend on each other in a cycle.");
                var statuses = await Task.WhenAll(wave.Select(s => StartServiceAsync(s, stopping)));
                for (var i = 0; i < wave.Count; i++)
                    health[wave[i].Name] = statuses[i];
                pending.RemoveAll(wave.Contains);
            }
            reporter.Services(plan, health);
            reporter.Info("all services are up; press Ctrl+C to stop them.");
            return await SuperviseAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            await StopAllAsync();
        }
    }

    private async Task<string> StartServiceAsync(ServiceSpec service, CancellationToken stopping)
    {
        var assembly = _assemblies[service.Name];
        var environment = ServiceEnvironment.Build(plan, service, Environment.ProcessId);
        var child = ChildProcess.Start(service.Name, DotnetHost.Path, [assembly], environment, Path.GetDirectoryName(assembly)!, log);
        lock (_running)
            _running[service.Name] = child;
        reporter.Info($"started {service.Name} (pid {child.Id}) on {service.Url}; waiting for {HealthProbe.HealthPath}");
        return await WaitHealthyAsync(service, child, stopping);
    }

    private async Task<string> WaitHealthyAsync(ServiceSpec service, ChildProcess child, CancellationToken stopping)
    {
        var deadline = DateTimeOffset.UtcNow + plan.HealthTimeout;
        var last = "not answering";
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (child.HasExited)
            {
                reporter.Crash(service.Name, child.ExitCode, child.RecentLines);
                throw new LaunchException($"{service.Name} exited with code {child.ExitCode} while starting (its last lines are above).");
            }
            var reading = await probe.ReadAsync(service.Url, stopping);
            if (reading.IsUp)
                return reading.Status;
            last = reading.Status;
            // Short: a service is usually up within a second, and every poll saved is start-up time saved.
            await Task.Delay(50, stopping);
        }
        reporter.Crash(service.Name, null, child.RecentLines);
        throw new LaunchException($"{service.Name} was not healthy within {plan.HealthTimeout.TotalSeconds:0} s at {service.Url}{HealthProbe.HealthPath} (last answer: {last}).");
    }

    // Waits for Ctrl+C or a death; a dead service or redis-server stops everything, or with --restart comes back after a backoff.
    private async Task<int> SuperviseAsync(CancellationToken stopping)
    {
        var attempts = new Dictionary<string, int>();
        var stopped = new TaskCompletionSource();
        await using var registration = stopping.Register(() => stopped.TrySetResult());
        while (true)
        {
            var watched = _running.Values.Select(c => c.Exited).Append(stopped.Task);
            if (_redis is not null)
                watched = watched.Append(_redis.Process.Exited);
            await Task.WhenAny(watched);
            // Ctrl+C in a terminal reaches the children too; a child that stopped for it is not a crash.
            await Task.WhenAny(stopped.Task, Task.Delay(300, CancellationToken.None));
            if (stopping.IsCancellationRequested)
                return 0;

            if (_redis is { Process.HasExited: true } redis)
            {
                reporter.Crash("redis", redis.Process.ExitCode, redis.Process.RecentLines);
                if (!plan.Restart)
                    return 1;
                await RestartRedisAsync(redis, attempts, stopping);
                continue;
            }
            var (name, dead) = _running.First(pair => pair.Value.HasExited);
            reporter.Crash(name, dead.ExitCode, dead.RecentLines);
            if (!plan.Restart)
                return 1;

            var delay = NextBackoff(attempts, name, dead.StartedAt);
            reporter.Warning($"restarting {name} in {delay.TotalSeconds:0} s (attempt {attempts[name]})");
            dead.Dispose();
            _running.Remove(name);
            await Task.Delay(delay, stopping);
            try
            {
                var status = await StartServiceAsync(plan.Find(name)!, stopping);
                reporter.Info($"{name} is back ({status})");
            }
            catch (LaunchException ex)
            {
                reporter.Warning(ex.Message);
                _running[name].Kill();
            }
        }
    }

    // The same port, password and data directory: KV's client reconnects by itself and Redis replays its append-only
    // file, so every acknowledged write is back. The services keep running meanwhile (KV answers 503 while Redis is away).
    private async Task RestartRedisAsync(ManagedRedis dead, Dictionary<string, int> attempts, CancellationToken stopping)
    {
        var endpoint = plan.Redis!;
        var startedAt = dead.Process.StartedAt;
        await dead.DisposeAsync();
        _redis = null;
        while (_redis is null)
        {
            var delay = NextBackoff(attempts, "redis", startedAt);
            reporter.Warning($"restarting redis in {delay.TotalSeconds:0} s on localhost:{endpoint.Port} (attempt {attempts["redis"]})");
            await Task.Delay(delay, stopping);
            try
            {
                _redis = await ManagedRedis.StartAsync(endpoint, log, stopping);
                reporter.Info($"started redis (pid {_redis.Process.Id}) on localhost:{endpoint.Port} for KV; {ConsoleReporter.ManagedRedisData(endpoint)}");
                reporter.Info("redis is back");
            }
            catch (LaunchException ex)
            {
                reporter.Warning(ex.Message);
                startedAt = DateTimeOffset.UtcNow; // a failed start is a short run: the next wait is longer
            }
        }
    }

    // Exponential backoff (1 s, 2 s, 4 s … 30 s), reset once a run lasted longer than 30 s.
    private static TimeSpan NextBackoff(Dictionary<string, int> attempts, string name, DateTimeOffset startedAt)
    {
        var attempt = DateTimeOffset.UtcNow - startedAt > TimeSpan.FromSeconds(30) ? 0 : attempts.GetValueOrDefault(name);
        attempts[name] = attempt + 1;
        return TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt)));
    }

    private async Task StopAllAsync()
    {
        foreach (var service in plan.Services.Reverse())
        {
            if (!_running.Remove(service.Name, out var child))
                continue;
            if (!child.HasExited)
                reporter.Info($"stopping {service.Name} (pid {child.Id})");
            await child.StopAsync(StopGrace);
            child.Dispose();
        }
        if (_redis is not null)
        {
            reporter.Info("stopping redis-server");
            await _redis.DisposeAsync();
            _redis = null;
        }
        if (plan.Redis is { IsManaged: true } managed)
            ManagedRedis.DeleteTemporaryData(managed);
    }
}
