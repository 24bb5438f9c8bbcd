using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;

namespace Sage.Storage.Tests.Vectors.Qdrant;

/// <summary>Qdrant's own OpenAPI document (1.19), parsed once, with request and response checks against it.</summary>
internal sealed class QdrantOpenApi
{
    public const string FileName = "qdrant-openapi-1.19.json";
    private static readonly Lazy<QdrantOpenApi> Shared = new(Load);
    private readonly List<(string Template, Regex Pattern, int Literals, IOpenApiPathItem Item)> _paths;

    private QdrantOpenApi(OpenApiDocument document)
    {
        Document = document;
        _paths = [.. document.Paths.Select(p => (p.Key, Compile(p.Key), p.Key.Split('/').Count(s => s.Length > 0 && !s.StartsWith('{')), p.Value))];
    }

    public static QdrantOpenApi Instance => Shared.Value;

    public OpenApiDocument Document { get; }

    public IOpenApiSchema Schema(string name) => Document.Components!.Schemas![name];

    /// <summary>The operation a request addresses, or why there is none.</summary>
    public (string? Template, OpenApiOperation? Operation, string? Error) Find(string method, string path)
    {
        var matching = _paths.Where(p => p.Pattern.IsMatch(path)).ToList();
        if (matching.Count == 0)
        {
            return (null, null, $"{method} {path}: no such path in Qdrant's API");
        }

        foreach (var candidate in matching.OrderByDescending(p => p.Literals))
        {
            var operation = candidate.Item.Operations?.FirstOrDefault(o => string.Equals(o.Key.Method, method, StringComparison.OrdinalIgnoreCase)).Value;
            if (operation is not null)
            {
                return (candidate.Template, operation, null);
            }
        }

        return (null, null, $"{method} {path}: method not allowed on {string.Join(", ", matching.Select(m => m.Template))}");
    }

    /// <summary>Every way the request breaks the document: path, method, query parameters and JSON body.</summary>
    public List<string> CheckRequest(string method, string path, IEnumerable<KeyValuePair<string, string>> query, string? contentType, string body)
    {
        var (template, operation, error) = Find(method, path);
        if (operation is null)
        {
            return [error!];
        }

        var errors = new List<string>();
        var where = $"{method} {template}";
        var parameters = (operation.Parameters ?? []).Where(p => p.In == ParameterLocation.Query).ToDictionary(p => p.Name!);
        var given = query.ToList();
        foreach (var (name, raw) in given)
        {
            if (!parameters.TryGetValue(name, out var parameter))
            {
                errors.Add($"{where}: unknown query parameter '{name}'");
                continue;
            }

            errors.AddRange(OpenApiSchemaChecker.Check(parameter.Schema!, QueryValue(raw), $"{where} ?{name}"));
        }

        errors.AddRange(parameters.Values.Where(p => p.Required && given.All(g => g.Key != p.Name)).Select(p => $"{where}: required query parameter '{p.Name}' missing"));

        var requestBody = operation.RequestBody;
        if (requestBody is null)
        {
            if (body.Length > 0)
            {
                errors.Add($"{where}: takes no request body");
            }

            return errors;
        }

        if (body.Length == 0)
        {
            if (requestBody.Required)
            {
                errors.Add($"{where}: request body required");
            }

            return errors;
        }

        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{where}: content type '{contentType}' is not application/json");
            return errors;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            errors.AddRange(OpenApiSchemaChecker.Check(requestBody.Content!["application/json"].Schema!, document.RootElement, $"{where} body"));
        }
        catch (JsonException ex)
        {
            errors.Add($"{where}: body is not JSON ({ex.Message})");
        }

        return errors;
    }

    /// <summary>Every way a response breaks the document's response schema for its status.</summary>
    public List<string> CheckResponse(string method, string path, int status, string? contentType, string body)
    {
        var (template, operation, error) = Find(method, path);
        if (operation is null)
        {
            return [error!];
        }

        var responses = operation.Responses!;
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!responses.TryGetValue(key, out var response) && !responses.TryGetValue($"{status / 100}XX", out response) && !responses.TryGetValue("default", out response))
        {
            return [$"{method} {template}: status {status} is not documented"];
        }

        if (response.Content is not { Count: > 0 } content)
        {
            return [];
        }

        var media = contentType?.Split(';')[0].Trim() ?? string.Empty;
        if (!content.TryGetValue(media, out var mediaType))
        {
            return [$"{method} {template} {status}: content type '{media}' is not one of {string.Join(", ", content.Keys)}"];
        }

        if (media != "application/json" || mediaType.Schema is null)
        {
            return [];
        }

        using var document = JsonDocument.Parse(body);
        return OpenApiSchemaChecker.Check(mediaType.Schema, document.RootElement, $"{method} {template} {status} response");
    }

    private static JsonElement QueryValue(string raw)
    {
        try
        {
            return JsonDocument.Parse(raw).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(raw);
        }
    }

    private static Regex Compile(string template) =>
        new("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$", RegexOptions.CultureInvariant);

    private static QdrantOpenApi Load()
    {
        var file = Locate() ?? throw new FileNotFoundException(
            $"{FileName} not found: the Qdrant tests check every request against it. It is expected at ../shared/reference/{FileName} beside the repository (copied to the test output by the test project).");
        using var stream = new MemoryStream(File.ReadAllBytes(file));
        var (document, diagnostic) = OpenApiDocument.Load(stream, "json");
        if (document is null || diagnostic?.Errors.Count > 0)
        {
            throw new InvalidOperationException($"{file} did not parse: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}");
        }

        return new QdrantOpenApi(document);
    }

    private static string? Locate()
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "Vectors", "Qdrant", FileName);
        if (File.Exists(copied))
        {
            return copied;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "reference", FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
