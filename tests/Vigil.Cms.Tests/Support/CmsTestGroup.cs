namespace Vigil.Cms.Tests.Support;

/// <summary>The CMS tests share one set of real agents and run one after another (2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class CmsTestGroup : ICollectionFixture<AgentsFixture>
{
    public const string Name = "cms with real agents";
}
