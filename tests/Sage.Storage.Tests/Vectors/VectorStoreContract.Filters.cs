using Sage.Storage.Vectors;

namespace Sage.Storage.Tests.Vectors;

public abstract partial class VectorStoreContract
{
    private async Task<string> FilterFixtureAsync()
    {
        var name = await NewCollectionAsync(2, Distance.Dot);
        await Store.UpsertAsync(name, [
            Point("p1", [1, 0], """{"city":"London","color":"red","price":10,"tags":["a","b"],"info":{"lang":"en","stars":4}}"""),
            Point("p2", [2, 0], """{"city":"London","color":"green","price":20.5,"tags":["b"],"info":{"lang":"fr","stars":2}}"""),
            Point("p3", [3, 0], """{"city":"Berlin","color":"red","price":30,"tags":[],"info":{"lang":"de"}}"""),
            Point("p4", [4, 0], """{"city":"Paris","price":null,"flag":true}"""),
            Point("p5", [5, 0]),
            Point("p6", [6, 0], """{"city":"Berlin","color":"blue","price":1,"flag":false,"items":[{"n":1},{"n":5}]}"""),
        ], Ct);
        return name;
    }

    [Theory]
    [InlineData("""{"must":[{"key":"city","match":{"value":"London"}}]}""", "p1,p2")]
    [InlineData("""{"must":[{"key":"price","match":{"value":10.0}}]}""", "p1")]
    [InlineData("""{"must":[{"key":"flag","match":{"value":true}}]}""", "p4")]
    [InlineData("""{"must":[{"key":"tags","match":{"value":"b"}}]}""", "p1,p2")]
    [InlineData("""{"must":[{"key":"city","match":{"any":["Berlin","Paris"]}}]}""", "p3,p4,p6")]
    [InlineData("""{"must":[{"key":"color","match":{"except":["red"]}}]}""", "p2,p6")]
    [InlineData("""{"must":[{"key":"price","range":{"gte":10,"lt":30}}]}""", "p1,p2")]
    [InlineData("""{"must":[{"key":"price","range":{"gt":10,"lte":30}}]}""", "p2,p3")]
    [InlineData("""{"must":[{"key":"info.stars","range":{"gt":3}}]}""", "p1")]
    [InlineData("""{"must":[{"key":"info.lang","match":{"value":"fr"}}]}""", "p2")]
    [InlineData("""{"must":[{"key":"items[].n","range":{"gte":5}}]}""", "p6")]
    [InlineData("""{"must":[{"has_id":["p1","p3","nope"]}]}""", "p1,p3")]
    [InlineData("""{"must":[{"is_empty":{"key":"tags"}}]}""", "p3,p4,p5,p6")]
    [InlineData("""{"must":[{"is_empty":{"key":"price"}}]}""", "p4,p5")]
    [InlineData("""{"must_not":[{"key":"city","match":{"value":"London"}}]}""", "p3,p4,p5,p6")]
    [InlineData("""{"should":[{"key":"city","match":{"value":"Paris"}},{"key":"color","match":{"value":"blue"}}]}""", "p4,p6")]
    [InlineData("""{"must":[{"key":"city","match":{"value":"Berlin"}},{"should":[{"key":"color","match":{"value":"red"}},{"key":"price","range":{"lt":5}}]}]}""", "p3,p6")]
    [InlineData("""{"must_not":[{"must":[{"key":"city","match":{"value":"London"}},{"key":"color","match":{"value":"red"}}]}]}""", "p2,p3,p4,p5,p6")]
    [InlineData("""{"must":[{"key":"city","match":{"any":["London","Berlin"]}}],"should":[{"key":"info.lang","match":{"value":"en"}},{"key":"flag","match":{"value":false}}],"must_not":[{"has_id":["p6"]}]}""", "p1")]
    [InlineData("""{}""", "p1,p2,p3,p4,p5,p6")]
    public async Task Filter_SelectsTheRightPoints_ForScrollCountQueryAndDelete(string filterJson, string expected)
    {
        var name = await FilterFixtureAsync();
        var filter = Filter(filterJson);
        var expectedIds = expected.Split(',');

        Assert.Equal(expectedIds, await AllIdsAsync(name, filter));
        Assert.Equal(expectedIds.Length, await Store.CountAsync(name, filter, Ct));
        var hits = await Store.QueryAsync(name, new VectorQuery(new float[] { 1, 0 }, TopK: 10, Filter: filter), Ct);
        Assert.Equal(expectedIds.Reverse(), hits.Select(h => h.Id));

        Assert.Equal(expectedIds.Length, await Store.DeleteByFilterAsync(name, filter, Ct));
        Assert.Equal(6 - expectedIds.Length, await Store.CountAsync(name, null, Ct));
    }
}
