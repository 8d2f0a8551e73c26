using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Cms.Tests.Support;

namespace Vigil.Cms.Tests.Storage;

/// <summary>Servers' names as episodes and drills show them, read from each database the CMS runs on.</summary>
[Collection(CmsTestGroup.Name)]
public sealed class StoredServerNamesTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Names_are_read_for_the_ids_asked_or_for_every_server(string engine)
    {
        await using var database = engine == "sqlite" ? await TestDatabase.SqliteAsync() : await TestDatabase.PostgresAsync();
        var data = Directory.CreateTempSubdirectory("vigil-server-names-");
        try
        {
            var services = new ServiceCollection();
            services.AddDbContext<CmsDbContext>(o => CmsDatabase.Configure(o, data.FullName, database.ConnectionString));
            await using var provider = services.AddLogging().BuildServiceProvider();
            await CmsDatabase.MigrateAsync(provider, CancellationToken.None);
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var rows = new[] { "rec-1", "rec-2", "standby-1" }.Select(Row).ToList();
            db.Servers.AddRange(rows);
            await db.SaveChangesAsync();

            var two = await StoredServerNames.OfAsync(db, [rows[0].Id, rows[2].Id, 999_999], CancellationToken.None);
            var all = await StoredServerNames.AllAsync(db, CancellationToken.None);

            two.ShouldBe(new Dictionary<int, string> { [rows[0].Id] = "rec-1", [rows[2].Id] = "standby-1" }, ignoreOrder: true);
            all.Values.ShouldBe(["rec-1", "rec-2", "standby-1"], ignoreOrder: true);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static ServerRow Row(string name) => new()
    {
        Name = name, Role = AgentInventory.RecordingRole, Host = "10.0.0.21", ProtectedCredential = "-", Serial = name,
        AgentName = "-", Model = "-", AgentVersion = "-", SpacesJson = "[]", CamerasJson = "[]",
    };
}
