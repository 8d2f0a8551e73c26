using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Cms.Leadership;
using Vigil.Cms.Storage;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// The CMS's services without its web host, on a migrated SQLite file of their own in a temporary folder, under a fake
/// clock: for tests of one service's rules against the real database. Disposing removes the folder.
/// </summary>
public sealed class InProcessCmsCore : IAsyncDisposable
{
    private readonly string _root;

    private InProcessCmsCore(string root, ServiceProvider services, FakeTimeProvider time)
    {
        _root = root;
        Services = services;
        Time = time;
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public static async Task<InProcessCmsCore> StartAsync(string name, DateTimeOffset now)
    {
        var root = Directory.CreateTempSubdirectory($"vigil-{name}-").FullName;
        var time = new FakeTimeProvider(now);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var options = new CmsOptions(root, ["http://127.0.0.1:0"], null, name);
        services.AddCmsCore(options, time);
        services.AddLeadership(options, fingerprint: null);
        var provider = services.BuildServiceProvider();
        await CmsDatabase.MigrateAsync(provider, CancellationToken.None);
        await LeadershipServices.BeginLoneHostAsync(provider, time, CancellationToken.None);
        return new InProcessCmsCore(root, provider, time);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }
}
