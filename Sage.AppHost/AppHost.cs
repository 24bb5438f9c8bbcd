using Sage.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

const string HealthPath = "/health";

var stores = StoreChoices.Read(builder.Configuration, builder.ExecutionContext.IsPublishMode);

// The configuration above has read them; from here on, a service gets a connection string only by reference.
AmbientConnectionStrings.RemoveFromEnvironment();

var kv = builder.AddProject<Projects.Sage_Kv>("kv")
    .WithHttpHealthCheck(HealthPath);

var vdb = builder.AddProject<Projects.Sage_Vdb>("vdb")
    .WithHttpHealthCheck(HealthPath);

// The backend is always named, so neither appsettings nor an inherited variable can pick another one.
switch (stores.Redis)
{
    case RedisSource.Container:
        // A data volume keeps Redis's data across AppHost restarts (an Azure Files share once deployed).
        var redisContainer = builder.AddRedis("redis").WithDataVolume();
        kv.WithReference(redisContainer).WaitFor(redisContainer);
        break;
    case RedisSource.Process:
        var redisProcess = builder.AddRedisServerProcess("redis", stores.RedisDataDirectory);
        kv.WithReference(redisProcess).WaitFor(redisProcess);
        break;
    case RedisSource.Existing:
        // ConnectionStrings:redis of the AppHost (user secrets, appsettings or the command line).
        kv.WithReference(builder.AddConnectionString("redis"));
        break;
}

kv.WithEnvironment("SAGE_KV_BACKEND", stores.Redis == RedisSource.None ? "memory" : "redis");

switch (stores.Qdrant)
{
    case QdrantSource.Container:
        var qdrantContainer = builder.AddQdrant("qdrant").WithDataVolume();
        vdb.WithReference(qdrantContainer).WaitFor(qdrantContainer);
        break;
    case QdrantSource.Existing:
        // ConnectionStrings:qdrant of the AppHost: Endpoint=http://host:6334;Key=… (gRPC).
        vdb.WithReference(builder.AddConnectionString("qdrant"));
        break;
}

vdb.WithEnvironment("SAGE_VDB_BACKEND", stores.Qdrant == QdrantSource.None ? "embedded" : "qdrant");

var memory = builder.AddProject<Projects.Sage_Memory>("memory")
    .WithReference(kv)
    .WaitFor(kv)
    .WithReference(vdb)
    .WaitFor(vdb)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck(HealthPath);

// Local embeddings need nothing modelled: Memory loads its model in-process. A remote one is a connection string the
// AppHost reads (user secrets, appsettings, the command line) or azd asks for.
switch (stores.Embeddings)
{
    case EmbeddingsSource.OpenAI:
        memory.WithReference(builder.AddConnectionString("embeddings")).WithEnvironment("SAGE_EMBEDDINGS_PROVIDER", "openai");
        break;
    case EmbeddingsSource.None:
        memory.WithEnvironment("SAGE_EMBEDDINGS_PROVIDER", "none");
        break;
}

builder.Build().Run();
