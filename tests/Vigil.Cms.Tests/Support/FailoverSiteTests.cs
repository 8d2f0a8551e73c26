using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// A test class with a fresh <see cref="FailoverSite"/> per test: <paramref name="cameras"/> simulated cameras, settings tuned by
/// <paramref name="tune"/>, the CMS started with <paramref name="cmsArguments"/> added, on <paramref name="database"/> (SQLite unless given).
/// </summary>
public abstract class FailoverSiteTests(
    int cameras, Func<SettingsView, SettingsView>? tune = null, IReadOnlyList<string>? cmsArguments = null, Func<Task<TestDatabase>>? database = null) : IAsyncLifetime
{
    private FailoverSite? _site;

    protected FailoverSite Site => _site ?? throw new InvalidOperationException("The site starts before each test.");

    protected CmsUnderTest Cms => Site.Cms;

    public async Task InitializeAsync() => _site = await FailoverSite.StartAsync(cameras, tune, cmsArguments, database);

    public virtual async Task DisposeAsync()
    {
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }
    }
}
