using Sage.Kv.Apis;
using Sage.Kv.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddKvStore();

var app = builder.Build();

app.UseSageHttpConventions();
app.MapDefaultEndpoints();
app.MapKvApi();

app.Run();
