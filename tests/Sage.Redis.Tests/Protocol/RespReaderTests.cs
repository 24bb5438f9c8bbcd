using System.Buffers;
using System.Text;
using Sage.Redis.Protocol;

namespace Sage.Redis.Tests.Protocol;

public sealed class RespReaderTests
{
    // Every RESP2 reply shape, including CRLF inside a bulk string and nils nested in arrays.
    private static readonly (string Wire, string Expected)[] Replies =
    [
        ("+OK\r\n", "+OK"),
        ("+PONG\r\n", "+PONG"),
        ("+QUEUED\r\n", "+QUEUED"),
        ("-ERR unknown command 'FOO'\r\n", "-ERR unknown command 'FOO'"),
        (":0\r\n", ":0"),
        (":-42\r\n", ":-42"),
        (":9223372036854775807\r\n", ":9223372036854775807"),
        ("$5\r\nhello\r\n", "$\"hello\""),
        ("$0\r\n\r\n", "$\"\""),
        ("$-1\r\n", "$nil"),
        ("$4\r\na\r\nb\r\n", "$\"a\r\nb\""),
        ("*0\r\n", "*[]"),
        ("*-1\r\n", "*nil"),
        ("*3\r\n:1\r\n$3\r\nfoo\r\n*2\r\n+x\r\n$-1\r\n", "*[:1, $\"foo\", *[+x, $nil]]"),
        ("*2\r\n*1\r\n*1\r\n:7\r\n*-1\r\n", "*[*[*[:7]], *nil]"),
    ];

    private static readonly byte[] Stream = Encoding.UTF8.GetBytes(string.Concat(Replies.Select(r => r.Wire)));

    [Fact]
    public void Reads_every_reply_type_from_one_segment()
    {
        Assert.Equal(Replies.Select(r => r.Expected), ReadAll(new ReadOnlySequence<byte>(Stream)));
    }

    [Fact]
    public void Reads_the_same_replies_when_the_stream_is_split_at_every_offset()
    {
        var expected = Replies.Select(r => r.Expected).ToList();
        for (var split = 0; split <= Stream.Length; split++)
        {
            var sequence = SegmentedSequence.Create(Stream[..split], Stream[split..]);
            Assert.Equal(expected, ReadAll(sequence));
        }
    }

    [Fact]
    public void Reads_the_same_replies_when_every_byte_is_its_own_segment()
    {
        Assert.Equal(Replies.Select(r => r.Expected), ReadAll(SegmentedSequence.SplitEvery(Stream, 1)));
    }

    [Fact]
    public void Every_incomplete_prefix_needs_more_data_and_consumes_nothing()
    {
        foreach (var (wire, expected) in Replies)
        {
            var bytes = Encoding.UTF8.GetBytes(wire);
            for (var length = 0; length < bytes.Length; length++)
            {
                var sequence = SegmentedSequence.Create(bytes[..(length / 2)], bytes[(length / 2)..length]);
                Assert.False(RespReader.TryRead(sequence, out _, out var consumed), $"{expected} with {length} bytes");
                Assert.Equal(sequence.Start, consumed);
            }

            Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>(bytes), out var reply, out var end));
            Assert.Equal(expected, reply.ToString());
            Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, end).Length);
        }
    }

    [Fact]
    public void Feeding_bytes_one_at_a_time_yields_each_reply_as_soon_as_it_is_complete()
    {
        var received = new List<string>();
        var buffered = new List<byte>();
        foreach (var b in Stream)
        {
            buffered.Add(b);
            var sequence = new ReadOnlySequence<byte>(buffered.ToArray());
            while (RespReader.TryRead(sequence, out var reply, out var consumed))
            {
                received.Add(reply.ToString());
                sequence = sequence.Slice(consumed);
            }

            buffered = [.. sequence.ToArray()];
        }

        Assert.Equal(Replies.Select(r => r.Expected), received);
        Assert.Empty(buffered);
    }

    [Fact]
    public void Bulk_strings_are_binary_safe()
    {
        var payload = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        byte[] wire = [.. "$256\r\n"u8, .. payload, .. "\r\n"u8];

        Assert.True(RespReader.TryRead(SegmentedSequence.SplitEvery(wire, 7), out var reply, out _));

        Assert.Equal(RedisReplyKind.BulkString, reply.Kind);
        Assert.Equal(payload, reply.AsBytes());
    }

    [Fact]
    public void A_five_megabyte_bulk_string_spread_over_many_segments_is_read_whole()
    {
        var payload = new byte[5 * 1024 * 1024];
        new Random(42).NextBytes(payload);
        byte[] wire = [.. Encoding.ASCII.GetBytes($"${payload.Length}\r\n"), .. payload, .. "\r\n"u8];

        var partial = SegmentedSequence.SplitEvery(wire[..^1], 4096);
        Assert.False(RespReader.TryRead(partial, out _, out _));

        var whole = SegmentedSequence.SplitEvery(wire, 4096);
        Assert.True(RespReader.TryRead(whole, out var reply, out var consumed));
        Assert.Equal(payload, reply.AsBytes());
        Assert.Equal(whole.End, consumed);
    }

    [Fact]
    public void Array_elements_are_exposed_in_order()
    {
        var wire = "*3\r\n$1\r\na\r\n:2\r\n*0\r\n"u8.ToArray();

        Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>(wire), out var reply, out _));

        Assert.Equal(3, reply.Elements.Count);
        Assert.Equal("a", reply.Elements[0].AsString());
        Assert.Equal(2, reply.Elements[1].AsInt64());
        Assert.Empty(reply.Elements[2].Elements);
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":12a\r\n")]
    [InlineData(":\r\n")]
    [InlineData("$abc\r\n")]
    [InlineData("$-5\r\n")]
    [InlineData("*-2\r\n")]
    [InlineData("$3\r\nabcXY")]
    [InlineData("+OK\rX")]
    [InlineData("*1\r\n!\r\n")]
    public void Malformed_input_throws_a_protocol_exception(string wire)
    {
        var sequence = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire));

        Assert.Throws<RedisProtocolException>(() => RespReader.TryRead(sequence, out _, out _));
    }

    [Fact]
    public void Arrays_nested_absurdly_deep_are_rejected()
    {
        var wire = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*1\r\n", 100)) + ":1\r\n");

        Assert.Throws<RedisProtocolException>(() => RespReader.TryRead(new ReadOnlySequence<byte>(wire), out _, out _));
    }

    private static List<string> ReadAll(ReadOnlySequence<byte> sequence)
    {
        var replies = new List<string>();
        while (RespReader.TryRead(sequence, out var reply, out var consumed))
        {
            replies.Add(reply.ToString());
            sequence = sequence.Slice(consumed);
        }

        Assert.Equal(0, sequence.Length);
        return replies;
    }
}
