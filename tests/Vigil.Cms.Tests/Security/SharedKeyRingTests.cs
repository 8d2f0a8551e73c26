using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Cms.Tests.Support;

namespace Vigil.Cms.Tests.Security;

/// <summary>A CMS that kept its key ring in files on PostgreSQL, started with the key ring in the database.</summary>
[Collection(CmsTestGroup.Name)]
public sealed class SharedKeyRingTests
{
    [Fact]
    public async Task A_file_key_ring_is_copied_into_an_empty_database_and_what_it_encrypted_stays_readable()
    {
        await using var database = await TestDatabase.PostgresAsync();
        var data = Directory.CreateTempSubdirectory("vigil-key-ring-");
        try
        {
            var keys = Path.Combine(data.FullName, "keys");
            string sealedCredential;
            await using (var files = Ring(new ServiceCollection().AddDataProtection().SetApplicationName("vigil-cms").PersistKeysToFileSystem(new DirectoryInfo(keys))))
            {
                sealedCredential = new SecretProtector(files.GetRequiredService<IDataProtectionProvider>()).Protect("agent credential");
            }

            var services = new ServiceCollection();
            services.AddDbContext<CmsDbContext>(o => CmsDatabase.Configure(o, data.FullName, database.ConnectionString));
            await using var shared = Ring(services.AddDataProtection().SetApplicationName("vigil-cms").PersistKeysToDbContext<CmsDbContext>());
            await CmsDatabase.MigrateAsync(shared, CancellationToken.None);
            await using (var scope = shared.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
                // Another host started first and made the database's own first key.
                new SecretProtector(shared.GetRequiredService<IDataProtectionProvider>()).Protect("made by another host");
                (await SharedKeyRing.ImportAsync(db, keys, CancellationToken.None)).ShouldBe(1, "the folder's key is missing from the database");
                (await SharedKeyRing.ImportAsync(db, keys, CancellationToken.None)).ShouldBe(0, "copied once");
            }

            new SecretProtector(shared.GetRequiredService<IDataProtectionProvider>()).Unprotect(sealedCredential).ShouldBe("agent credential");
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static ServiceProvider Ring(IDataProtectionBuilder builder)
    {
        builder.Services.AddLogging();
        return builder.Services.BuildServiceProvider();
    }
}
