using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Sage.Launcher.Model;

/// <summary>
/// SAGE's <c>services_config.yaml</c>: <c>services: { kv_service, vdb_service, memory_service }</c>. Every key is
/// optional; command-line flags override what it says.
/// </summary>
public sealed class ServicesConfigFile
{
    public ServicesSection Services { get; set; } = new();

    /// <summary>The <c>services:</c> mapping.</summary>
    public sealed class ServicesSection
    {
        public KvServiceSection? KvService { get; set; }
        public VdbServiceSection? VdbService { get; set; }
        public MemoryServiceSection? MemoryService { get; set; }
    }

    /// <summary><c>kv_service</c>.</summary>
    public sealed class KvServiceSection
    {
        public string? Host { get; set; }
        public int? Port { get; set; }
        public string? BackendType { get; set; }
        public string? RedisUrl { get; set; }
    }

    /// <summary><c>vdb_service</c>; <c>backend_type</c> and <c>qdrant_url</c> extend SAGE's keys.</summary>
    public sealed class VdbServiceSection
    {
        public string? Host { get; set; }
        public int? Port { get; set; }
        public string? CollectionName { get; set; }
        public string? PersistDirectory { get; set; }
        public string? BackendType { get; set; }
        public string? QdrantUrl { get; set; }
    }

    /// <summary><c>memory_service</c>.</summary>
    public sealed class MemoryServiceSection
    {
        public string? Host { get; set; }
        public int? Port { get; set; }
        public List<string>? Dependencies { get; set; }
    }

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    /// <summary>Reads <paramref name="path"/>; a missing file or bad YAML is one <see cref="LaunchException"/> naming file and line.</summary>
    public static ServicesConfigFile Load(string path)
    {
        if (!File.Exists(path))
            throw new LaunchException($"Config file '{path}' does not exist.");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses YAML text; <paramref name="fileName"/> names it in errors.</summary>
    public static ServicesConfigFile Parse(string yaml, string fileName)
    {
        try
        {
            return Deserializer.Deserialize<ServicesConfigFile?>(yaml) ?? new ServicesConfigFile();
        }
        catch (YamlException ex)
        {
            throw new LaunchException($"{fileName}:{ex.Start.Line}: {Describe(ex)}");
        }
    }

    // YamlDotNet wraps the useful message ("Property 'prot' not found…") in an outer "Exception during deserialization".
    private static string Describe(YamlException ex)
    {
        var innermost = (Exception)ex;
        while (innermost.InnerException is not null)
            innermost = innermost.InnerException;
        var message = Friendly(innermost is YamlException yaml ? StripPosition(yaml.Message) : innermost.Message);
        return message.ReplaceLineEndings(" ").Trim();
    }

    private static string Friendly(string message)
    {
        var unknown = System.Text.RegularExpressions.Regex.Match(message, @"^Property '(?<key>[^']+)' not found on type '[^']*\+(?<section>\w+)Section'");
        if (unknown.Success)
            return $"unknown key '{unknown.Groups["key"].Value}' in {SnakeCase(unknown.Groups["section"].Value)} (see SAGE's services_config.yaml format).";
        if (message.StartsWith("No node deserializer", StringComparison.Ordinal))
            return message.Contains("System.Int32", StringComparison.Ordinal) ? "expected a port number here." : "this value has the wrong shape (expected text, a number or a list).";
        return message;
    }

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? $"_{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));

    private static string StripPosition(string message)
    {
        // "(Line: 3, Col: 5, Idx: 40) - (Line: 3, Col: 9, Idx: 44): Property 'x' not found" → the part after the positions.
        var marker = message.LastIndexOf("): ", StringComparison.Ordinal);
        return marker >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(marker + 3)..] : message;
    }
}
