using Sage.Launcher.Commands;
using Sage.Launcher.Model;
using Sage.Launcher.Processes;

namespace Sage.Launcher.Tests;

public sealed class EmbeddingsFlagsTests
{
    private static LaunchPlan Plan(params string[] args)
    {
        var result = RunCommand.Create().Parse(args);
        Assert.Empty(result.Errors);
        return LaunchPlanBuilder.Build(RunCommand.ToRequest(result), file: null, freePort: () => 6390, workingDirectory: "/work");
    }

    private static IReadOnlyDictionary<string, string> MemoryEnvironment(LaunchPlan plan) =>
        ServiceEnvironment.Build(plan, plan.Find(ServiceSpec.Memory)!, parentPid: 4242);

    [Fact]
    public void No_embeddings_flag_leaves_memory_its_default_local_model_and_sets_nothing()
    {
        var plan = Plan();
        Assert.Null(plan.Embeddings);
        Assert.DoesNotContain(MemoryEnvironment(plan).Keys, k => k.StartsWith("SAGE_EMBEDDINGS_", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("standard")]
    [InlineData("minimal")]
    public void Openai_flags_become_memorys_sage_embeddings_variables(string config)
    {
        var env = MemoryEnvironment(Plan("--config", config, "--embeddings", "openai", "--embeddings-url", "http://localhost:11434/v1", "--embeddings-model", "nomic-embed-text"));

        Assert.Equal("openai", env["SAGE_EMBEDDINGS_PROVIDER"]);
        Assert.Equal("http://localhost:11434/v1", env["SAGE_EMBEDDINGS_ENDPOINT"]);
        Assert.Equal("nomic-embed-text", env["SAGE_EMBEDDINGS_MODEL"]);
    }

    [Fact]
    public void Embeddings_none_is_passed_on_and_kv_and_vdb_get_nothing_of_it()
    {
        var plan = Plan("--embeddings", "none");
        Assert.Equal("none", MemoryEnvironment(plan)["SAGE_EMBEDDINGS_PROVIDER"]);
        Assert.DoesNotContain(ServiceEnvironment.Build(plan, plan.Find(ServiceSpec.Kv)!, 4242).Keys, k => k.StartsWith("SAGE_EMBEDDINGS_", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--embeddings", "magic", "--embeddings must be local, openai or none")]
    [InlineData("--embeddings", "openai", "needs --embeddings-url")]
    [InlineData("--embeddings-url", "http://localhost:11434/v1", "needs --embeddings-model")]
    public void Bad_embeddings_flags_stop_the_launch_saying_what_to_fix(string flag, string value, string says)
    {
        var error = Assert.Throws<LaunchException>(() => Plan(flag, value));
        Assert.Contains(says, error.Message);
    }
}
