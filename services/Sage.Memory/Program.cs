using Sage.Memory.Apis;
using Sage.Memory.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMemoryStore();

var app = builder.Build();

app.UseSageHttpConventions();
app.MapDefaultEndpoints();
app.MapMemoryApi();
app.MapSessionsApi();
app.MapDependenciesApi();
app.MapEmbeddingsApi();

app.Run();
