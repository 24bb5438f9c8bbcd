namespace Aspire.Hosting.Qdrant;

/// <summary>The Qdrant image <see cref="QdrantBuilderExtensions.AddQdrant"/> runs; pinned so a deployment never moves under us.</summary>
internal static class QdrantContainerImageTags
{
    public const string Registry = "docker.io";

    public const string Image = "qdrant/qdrant";

    // Sage.Vdb's gRPC backend is written against Qdrant.Client 1.20, which follows this server line.
    public const string Tag = "v1.16.3";
}
