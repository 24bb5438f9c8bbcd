using System.Net;

namespace Sage.Memory.Tests;

/// <summary>Concurrent writes to one key (issue 10, finding 6): whatever the interleaving, search, GET and the session agree.</summary>
public abstract partial class MemoryApiContract<TStack>
{
    [Fact]
    public async Task Forty_threads_storing_and_deleting_one_key_leave_search_get_and_session_in_agreement()
    {
        // Several rounds, each on a fresh key: one round of an unserialized store/delete mix is usually enough to leave a
        // vector without its data, but not always.
        for (var round = 0; round < 3; round++)
        {
            var session = NewId("race");
            var key = session + "-key";
            await Parallel.ForAsync(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 40, CancellationToken = Ct }, async (thread, ct) =>
            {
                var random = new Random(thread * 7919 + round);
                for (var op = 0; op < 12; op++)
                {
                    using var response = random.Next(2) == 0
                        ? await PostAsync("/memory", $$$"""{"key":"{{{key}}}","data":{"t":{{{thread}}},"op":{{{op}}}},"vector":[1,{{{random.Next(1, 9)}}},0],"session_id":"{{{session}}}"}""")
                        : await Client.DeleteAsync($"/memory/{key}", ct);
                    Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.NotFound,
                        $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                }
            });

            var hits = Keys(await SearchAsync($$$"""{"vector":[1,1,0],"top_k":10,"session_id":"{{{session}}}"}"""));
            using var got = await Client.GetAsync($"/memory/{key}", Ct);
            var listed = (await ReadJsonAsync(await Client.GetAsync($"/sessions/{session}/memories", Ct))).GetProperty("memories").GetArrayLength();
            if (got.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal([key], hits);
                Assert.Equal(1, listed);
                Assert.Single(await Stack.Vectors.GetAsync(MemoryStack.Collection, [key], cancellationToken: Ct));
            }
            else
            {
                await AssertProblemAsync(got, HttpStatusCode.NotFound);
                Assert.True(hits.Length == 0, $"round {round}: search found '{key}', whose GET is 404");
                Assert.Equal(0, listed);
            }
        }
    }
}
