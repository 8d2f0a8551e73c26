using System.Runtime.Versioning;
using Vigil.Cms.Storage;
using Vigil.Cms.Tests.Support;
using Vigil.Hosting;
using Vigil.Testing;

namespace Vigil.Cms.Tests;

/// <summary>How <c>vigil cms</c> starts, seen by an eavesdropper on the network and by another user of its machine.</summary>
[Collection(CmsTestGroup.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class CmsHostTests
{
    private static readonly UnixFileMode Loose = (UnixFileMode)Convert.ToInt32("644", 8);

    [Fact]
    public async Task Plain_http_beyond_loopback_is_refused_at_start_with_the_reason()
    {
        var data = Directory.CreateTempSubdirectory("vigil-cms-http-").FullName;
        try
        {
            await using var cms = VigilProcess.Launch(["cms", "--data", data, "--urls", "http://0.0.0.0:0"],
                new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = CmsUnderTest.Password });

            (await cms.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(1);
            await Eventually.UntilAsync(() => cms.Output.Contains("Refusing to serve plain HTTP on http://0.0.0.0:0", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5), "the refusal to be printed");
            cms.Output.ShouldContain(PlainHttpGuard.Flag);
            File.Exists(Path.Combine(data, CmsDatabase.SqliteFileName)).ShouldBeFalse("nothing is created before the refusal");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_data_directory_database_and_key_ring_are_private_and_loosened_modes_are_corrected_at_start()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var db = Path.Combine(cms.DataDirectory, CmsDatabase.SqliteFileName);
        var keys = Path.Combine(cms.DataDirectory, "keys");
        ShouldBePrivate(cms.DataDirectory, db, keys);

        await cms.Process.DisposeAsync();
        File.SetUnixFileMode(cms.DataDirectory, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(db, Loose);
        File.SetUnixFileMode(keys, (UnixFileMode)Convert.ToInt32("755", 8));
        foreach (var key in Directory.EnumerateFiles(keys))
        {
            File.SetUnixFileMode(key, Loose);
        }

        await cms.StartAsync();
        ShouldBePrivate(cms.DataDirectory, db, keys);
    }

    private static void ShouldBePrivate(string data, string db, string keys)
    {
        File.GetUnixFileMode(data).ShouldBe(PrivateFiles.PrivateDirectoryMode);
        File.GetUnixFileMode(keys).ShouldBe(PrivateFiles.PrivateDirectoryMode);
        File.GetUnixFileMode(db).ShouldBe(PrivateFiles.PrivateFileMode);
        var ring = Directory.EnumerateFiles(keys).ToList();
        ring.ShouldNotBeEmpty("the key ring has its first key from the start");
        ring.ShouldAllBe(key => File.GetUnixFileMode(key) == PrivateFiles.PrivateFileMode);
    }
}
