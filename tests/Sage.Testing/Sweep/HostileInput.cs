using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Sage.Testing.Sweep;

/// <summary>One generated request, kept as plain text and bytes so a failure can print it and a reader can replay it.</summary>
public sealed record SweepRequest(
    string Route, string Method, string PathAndQuery, byte[]? Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public override string ToString()
    {
        var text = new StringBuilder($"{Method} {PathAndQuery}");
        foreach (var (name, value) in Headers)
            text.Append(CultureInfo.InvariantCulture, $"\n{name}: {Shorten(value)}");
        if (ContentType is not null)
            text.Append(CultureInfo.InvariantCulture, $"\nContent-Type: {ContentType}");
        if (Body is not null)
            text.Append(CultureInfo.InvariantCulture, $"\n\n{Shorten(Encoding.UTF8.GetString(Body))} ({Body.Length} bytes)");
        return text.ToString();
    }

    internal static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + $"… ({text.Length} chars)";
}

/// <summary>
/// FsCheck generators of hostile requests for one route, biased toward the almost-valid: most requests are the route's valid
/// sample with one thing wrong (a field, a path segment, a query value, a header), since those get past the parser and reach
/// the code behind it; the rest are malformed or random JSON, wrong content types, empty bodies and wrong methods.
/// </summary>
public static class HostileInput
{
    private const string Hole = "__sweep_hole__";

    private static readonly JsonSerializerOptions RawUnicode = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Text elements, not chars, so a surrogate pair stays whole unless a lone surrogate is meant.
    private static readonly string[] Characters =
    [
        "a", "b", "z", "A", "Z", "0", "1", "9", "-", "_", ".", ":", " ", "/", "?", "#", "%", "&", "=", "+", ";", ",", "*", "[", "]",
        "{", "}", "\\", "\"", "'", "<", ">", "|", "^", "`", "~", "!", "@", "$", "(", ")", "\0", "\u0001", "\t", "\n", "\r", "\u001f",
        "\u007f", "\u0085", "\u00a0", "é", "ü", "ñ", "日", "本", "🙂", "\u200b", "\u202e", "\u2028", "\ufeff", "\ud800", "\udfff",
    ];

    private static readonly string[] OddStrings =
    [
        "", " ", ".", "..", "...", "/", "a/b", "../x", "/leading", "?", "#", "%", "%00", "%zz", "%2F", "*", "[", "[a-", "\\", "\0", "a\0b",
        "\n", "ok\n", "\r\n", "\t", "ü-ñ-日本-🙂", "\u202e", "\ufeff", "\ud800", "NaN", "Infinity", "-Infinity", "-1", "0", "1e309",
        "null", "true", "{}", "[]", "10", "' OR 1=1 --", "<script>", "${jndi:x}", "sweep-1", "SWEEP-1", "sweep_3",
    ];

    private static readonly string[] OddJson =
    [
        "null", "true", "false", "0", "-0", "-1", "1.5", "-1.5", "1e308", "-1e308", "1e400", "-1e400", "1e-400", "0.0000001",
        "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "300000000000", "922337203685", "900000000000", "3153600001", "99999999999999999999999999999", "\"\"", "\"NaN\"",
        "\"Infinity\"", "\"-Infinity\"", "\"10\"", "\"5\"", "\"0.5\"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"ok\\n\"",
        "[]", "{}", "[null]", "[\"\"]", "[\"\\u0000\"]", "[1,\"a\",null]", "[[1]]", "{\"a\":null}", "\"*\"", "\"../x\"", "\"a/b\"", "\"..\"",
        "[0,0,0]", "[1e-45,1e-45,1e-45]", "[1e38,1e38,1e38]", "[1e39,0,0]", "[\"0.1\",\"0.2\",\"0.3\"]", "{\"must\":[]}", "{\"must\":{}}",
        "{\"must\":[{\"key\":\"\",\"match\":{}}]}", "{\"should\":[{\"has_id\":[null]}]}", "{\"must\":[{\"key\":\"a\",\"range\":{\"gte\":\"x\"}}]}",
        "{\"must\":[{\"key\":\"a\",\"match\":{\"any\":[]}}]}", "{\"must_not\":[{\"is_empty\":null}]}", "{\"nested\":{}}",
    ];

    private static readonly string?[] OddContentTypes =
    [
        null, "text/plain", "application/json; charset=utf-16", "application/json; charset=latin1", "application/xml",
        "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/problem+json", "application/merge-patch+json",
        "garbage", "application/json; charset=\"", "*/*", "application/json, text/plain",
    ];

    private static readonly string[] OddEntityTags =
    [
        "bogus", "\"x\"", "*", "W/\"a\"", "\"a\", \"b\"", "", "\"", "\"unterminated", "\"\"", "*, \"a\"", "  \"a\"  ",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Text no generated request carries verbatim may name the seeded data, so it never holds the seed marker.</summary>
    public static Gen<string> Text { get; } = Gen.Frequency(
            (5, Gen.Elements(OddStrings)),
            (5, Gen.Sized(size => Gen.Choose(0, Math.Max(1, size)).SelectMany(length => Gen.ArrayOf(Gen.Elements(Characters), length)))
                .Select(parts => string.Concat(parts))),
            (1, Gen.Zip(Gen.Elements("a", "é", "🙂", "%", "/"), Gen.Choose(300, 20_000)).Select(t => string.Concat(Enumerable.Repeat(t.Item1, t.Item2)))))
        .Where(text => !text.Contains(SweepNames.SeedMarker, StringComparison.OrdinalIgnoreCase));

    /// <summary>The raw text of one JSON value (or of something that only looks like one).</summary>
    public static Gen<string> JsonValue { get; } = Gen.Frequency(
        (6, Gen.Elements(OddJson)),
        (4, Text.Select(text => JsonSerializer.Serialize(text))),
        (1, Text.Select(text => JsonSerializer.Serialize(text, RawUnicode))),
        (2, Gen.Choose(int.MinValue, int.MaxValue).Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Zip(Gen.Choose(1, 3000), Gen.Elements(("[", "]"), ("{\"a\":", "}"))).Select(t =>
            string.Concat(Enumerable.Repeat(t.Item2.Item1, t.Item1)) + "1" + string.Concat(Enumerable.Repeat(t.Item2.Item2, t.Item1)))),
        (1, Gen.Choose(0, 5000).Select(n => "[" + string.Join(',', Enumerable.Range(0, n).Select(i => (i % 7 * 0.1).ToString(CultureInfo.InvariantCulture))) + "]")),
        (1, Gen.ArrayOf(Gen.Elements(OddJson), 3).Select(items => "[" + string.Join(',', items) + "]")),
        (1, Gen.Zip(Text, Gen.Elements(OddJson)).Select(t => "{" + JsonSerializer.Serialize(t.Item1) + ":" + t.Item2 + "}")));

    /// <summary>Requests for one route; <paramref name="sample"/> gives the valid request they start from.</summary>
    public static Gen<SweepRequest> For(RouteSample sample) =>
        from method in Gen.Frequency((19, Gen.Constant(sample.Method)), (1, Gen.Elements(Methods)))
        from path in PathFor(sample.Pattern)
        from query in QueryFor(sample)
        from body in BodyFor(sample)
        from contentType in body is null ? Gen.Constant<string?>(null) : ContentType
        from headers in Headers
        select new SweepRequest(sample.Route, method, path + query, body, contentType, headers);

    private static Gen<string> PathFor(string pattern)
    {
        var parts = pattern.Split('/');
        return Gen.CollectToArray(parts, part => part.StartsWith('{') ? Segment : Gen.Constant(part))
            .Select(segments => string.Join('/', segments));
    }

    /// <summary>A path parameter: mostly a scratch name (to reach the data the sweep writes), else an odd segment.</summary>
    private static Gen<string> Segment { get; } = Gen.Frequency(
        (14, Gen.Elements(SweepNames.Scratch)),
        (6, Text.Select(PercentEncode)),
        (2, Gen.Elements("..", ".", "%", "%zz", "%2e%2e", "%2E", "%00", "a%2Fb", "%252F", "%C0%AE", "%FF", ";x", "~", "%20", "a%00b", "%0A")),
        (1, Gen.Constant("")),
        (1, Gen.Choose(100, 10_000).Select(n => new string('a', n))));

    private static Gen<string> QueryFor(RouteSample sample)
    {
        var pairs = (sample.Query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2)).Select(p => (Name: p[0], Value: p.Length > 1 ? p[1] : "")).ToArray();
        var scoped = sample.ScopedQuery.ToHashSet(StringComparer.Ordinal);
        Gen<string> QueryValue(string name) => Gen.Frequency(
                (3, Text.Select(PercentEncode)),
                (2, Gen.Elements("", "-1", "0", "1", "abc", "1e5", "1.5", "99999999999", "2147483648", "true", "%", "%zz", "%00", "*", "2025-13-45T99:00:00Z")))
            .Select(value => scoped.Contains(name) ? SweepNames.ScratchPrefix + value : value);
        var junk = Gen.Frequency(
            (3, Gen.Zip(Text.Select(PercentEncode), Text.Select(PercentEncode)).Select(t => $"{t.Item1}={t.Item2}")),
            (1, Gen.Elements("&&", "=", "a", "%", "=x", "limit", "limit=1&limit=2", "with_vector=maybe")));

        if (pairs.Length == 0)
            return Gen.Frequency((6, Gen.Constant("")), (1, junk.Select(j => "?" + j)));
        var valid = "?" + string.Join('&', pairs.Select(p => $"{p.Name}={p.Value}"));
        return Gen.Frequency(
            (10, Gen.Constant(valid)),
            (7, Gen.Choose(0, pairs.Length - 1).SelectMany(i => QueryValue(pairs[i].Name).Select(value =>
                "?" + string.Join('&', pairs.Select((p, j) => $"{p.Name}={(i == j ? value : p.Value)}"))))),
            (2, Gen.Choose(0, pairs.Length - 1).Select(i => "?" + string.Join('&', pairs.Where((_, j) => j != i).Select(p => $"{p.Name}={p.Value}")))),
            (2, junk.Select(j => valid + "&" + j)));
    }

    private static Gen<byte[]?> BodyFor(RouteSample sample)
    {
        var anyJson = JsonValue.Select(text => (byte[]?)Utf8(text));
        if (sample.Body is null)
            return Gen.Frequency((12, Gen.Constant<byte[]?>(null)), (1, anyJson), (1, Gen.Constant<byte[]?>([])));

        var root = JsonNode.Parse(sample.Body)!;
        var holes = Holes(root).ToArray();
        var objects = holes.Where(h => h.Node is JsonObject).Select(h => h.Path).Prepend([]).ToArray();
        return Gen.Frequency(
            (15, Gen.Constant<byte[]?>(Utf8(sample.Body))),
            (45, Gen.Zip(Gen.Elements(holes), JsonValue).Select(t => (byte[]?)Utf8(Replace(root, t.Item1.Path, t.Item2)))),
            (8, Gen.Elements(holes).Select(h => (byte[]?)Utf8(Replace(root, h.Path, null)))),
            (7, from path in Gen.Elements(objects) from name in Text from value in JsonValue select (byte[]?)Utf8(AddField(root, path, name, value))),
            (10, anyJson),
            (10, Malformed(sample.Body, root)),
            (5, Gen.Constant<byte[]?>([])));
    }

    private static Gen<byte[]?> Malformed(string body, JsonNode root)
    {
        var texts = Gen.Frequency(
            (3, Gen.Choose(0, body.Length - 1).Select(n => body[..n])),
            (2, Gen.Elements("{", "[", "nul", "{\"a\":1,}", "{'a':1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":01}", "{\"a\":1}}", "\"unclosed", "{\"a\"}")),
            (1, Text.Select(garbage => body + garbage)),
            (1, Gen.Choose(0, body.Length).Select(n => body[..n] + "\0" + body[n..])),
            (1, Gen.Constant("\ufeff" + body)),
            (1, JsonValue.Select(value => root is JsonObject { Count: > 0 } o ? "{" + JsonSerializer.Serialize(o.First().Key) + ":" + value + "," + body.TrimStart()[1..] : body)));
        return Gen.Frequency(
            (8, texts.Select(Utf8)),
            (1, Gen.Elements<byte[]>([0xff, 0xfe, 0xfd], [(byte)'{', (byte)'"', 0xc3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], [0xef, 0xbb, 0xbf])))
            .Select(bytes => (byte[]?)bytes);
    }

    private static Gen<string?> ContentType { get; } = Gen.Frequency(
        (8, Gen.Constant<string?>("application/json")),
        (2, Gen.Elements(OddContentTypes)));

    private static Gen<IReadOnlyList<KeyValuePair<string, string>>> Headers { get; } = Gen.Frequency(
        (7, Gen.Constant<IReadOnlyList<KeyValuePair<string, string>>>([])),
        (3, from name in Gen.Elements("If-Match", "If-None-Match", "If-Match", "Accept", "Content-Encoding")
            from tag in Gen.Elements(OddEntityTags)
            from pick in Gen.Choose(0, 9)
            select (IReadOnlyList<KeyValuePair<string, string>>)[new(name, name switch
            {
                "Accept" => new[] { "application/xml", "*/*", "garbage", "text/plain" }[pick % 4],
                "Content-Encoding" => new[] { "gzip", "br", "identity", "bogus" }[pick % 4],
                _ => pick == 0 ? "\"" + new string('e', 9000) + "\"" : tag,
            })]));

    /// <summary>Every value in the sample body, by path from the root (object names and array indexes).</summary>
    private static IEnumerable<(object[] Path, JsonNode? Node)> Holes(JsonNode? node, object[]? path = null)
    {
        path ??= [];
        if (path.Length > 0)
            yield return (path, node);
        var children = node switch
        {
            JsonObject o => o.Select(p => ((object)p.Key, p.Value)).ToArray(),
            JsonArray a => a.Select((v, i) => ((object)i, v)).ToArray(),
            _ => [],
        };
        foreach (var (step, child) in children)
            foreach (var hole in Holes(child, [.. path, step]))
                yield return hole;
    }

    /// <summary>The sample with the value at <paramref name="path"/> replaced by raw JSON text, or removed when it is null.</summary>
    private static string Replace(JsonNode root, object[] path, string? rawValue)
    {
        var copy = root.DeepClone();
        var parent = Walk(copy, path[..^1]);
        switch (parent, path[^1])
        {
            case (JsonObject o, string name) when rawValue is null: o.Remove(name); break;
            case (JsonObject o, string name): o[name] = Hole; break;
            case (JsonArray a, int index) when rawValue is null: a.RemoveAt(index); break;
            case (JsonArray a, int index): a[index] = Hole; break;
        }
        return Fill(copy, rawValue);
    }

    private static string AddField(JsonNode root, object[] path, string name, string rawValue)
    {
        var copy = root.DeepClone();
        if (Walk(copy, path) is JsonObject o)
            o[o.ContainsKey(name) ? name + "_extra" : name] = Hole;
        return Fill(copy, rawValue);
    }

    private static JsonNode? Walk(JsonNode? node, object[] path) =>
        path.Aggregate(node, (current, step) => step is string name ? current![name] : current![(int)step]);

    private static string Fill(JsonNode node, string? rawValue) =>
        node.ToJsonString(RawUnicode).Replace($"\"{Hole}\"", rawValue, StringComparison.Ordinal);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Percent-encodes every byte but the unreserved ones, from UTF-8 (a lone surrogate becomes U+FFFD).</summary>
    public static string PercentEncode(string text)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
                encoded.Append((char)b);
            else
                encoded.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
        }
        return encoded.ToString();
    }
}
