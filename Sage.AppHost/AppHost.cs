using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

const string HealthPath = "/health";

// Sage:Embedded=true swaps Redis and Qdrant for the services' in-process engines, so the AppHost
// starts without a container runtime. Run mode only: a deployment always gets the real stores.
var embedded = builder.ExecutionContext.IsRunMode && builder.Configuration.GetValue<bool>("Sage:Embedded");

var kv = builder.AddProject<Projects.Sage_Kv>("kv")
    .WithHttpHealthCheck(HealthPath);

var vdb = builder.AddProject<Projects.Sage_Vdb>("vdb")
    .WithHttpHealthCheck(HealthPath);

if (embedded)
{
    kv.WithEnvironment("SAGE_KV_BACKEND", "memory");
    vdb.WithEnvironment("SAGE_VDB_BACKEND", "embedded");
}
else
{
    // Data volumes keep the stores' data across AppHost restarts (Azure Files shares once deployed).
    var redis = builder.AddRedis("redis")
        .WithDataVolume();

    var qdrant = builder.AddQdrant("qdrant")
        .WithDataVolume();

    // The backend is named even though the connection string alone selects it, so no appsettings value can override it.
    kv.WithReference(redis)
        .WaitFor(redis)
        .WithEnvironment("SAGE_KV_BACKEND", "redis");

    // Qdrant's reference sets ConnectionStrings__qdrant (gRPC) and ConnectionStrings__qdrant_http (REST); Sage.Vdb uses gRPC (Qdrant.Client).
    vdb.WithReference(qdrant)
        .WaitFor(qdrant)
        .WithEnvironment("SAGE_VDB_BACKEND", "qdrant");
}

builder.AddProject<Projects.Sage_Memory>("memory")
    .WithReference(kv)
    .WaitFor(kv)
    .WithReference(vdb)
    .WaitFor(vdb)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck(HealthPath);

// Deployment target for `azd up` and `aspire deploy`: one Container Apps environment for every resource.
if (builder.ExecutionContext.IsPublishMode)
{
    builder.AddAzureContainerAppEnvironment("aca");
}

builder.Build().Run();
