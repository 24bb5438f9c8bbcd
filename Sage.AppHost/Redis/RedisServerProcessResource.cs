namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Debian's <c>redis-server</c> run from PATH as an executable resource: Redis for people without a container
/// runtime, and for our tests. Its connection string and properties are those of Aspire's container Redis,
/// so a reference looks the same to KV either way.
/// </summary>
public sealed class RedisServerProcessResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, ProgramName, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The program started; it must be on PATH.</summary>
    public const string ProgramName = "redis-server";

    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The password Redis requires (<c>--requirepass</c>).</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The endpoint clients connect to (DCP's proxy in front of the process's own port).</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary><c>{host}:{port},password={password}</c>, as Aspire's container Redis without TLS.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");

    // A reference splats REDIS_HOST, REDIS_PORT, REDIS_PASSWORD and REDIS_URI, as for the container.
    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Password", ReferenceExpression.Create($"{PasswordParameter}"));
        yield return new("Uri", ReferenceExpression.Create(
            $"redis://:{PasswordParameter:uri}@{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
    }
}
