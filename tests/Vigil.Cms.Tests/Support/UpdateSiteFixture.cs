namespace Vigil.Cms.Tests.Support;

/// <summary>
/// One <see cref="UpdateSite"/> and one browser shared by a test class: the site's CMS is a build of its own and each test
/// adds agents of its own, so starting the site once keeps the browser tests of agent updates fast.
/// </summary>
public sealed class UpdateSiteFixture : IAsyncLifetime
{
    public UpdateSite Site { get; private set; } = null!;

    public ConsoleBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Site = await UpdateSite.StartAsync(cameras: 2);
        Browser = await ConsoleBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (Site is not null)
        {
            await Site.DisposeAsync();
        }
    }
}
