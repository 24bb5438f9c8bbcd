using Sage.Vdb.Apis;
using Sage.Vdb.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddVectorStore();

var app = builder.Build();

app.UseSageHttpConventions();
app.MapDefaultEndpoints();
app.MapVectorsApi();
app.MapCollectionsApi();

app.Run();
