using Vigil.Contracts.Updates;
using Vigil.Hosting.Updates;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Hosting.Updates;

/// <summary><c>vigil update-package keygen|build|verify|publish</c> run as a publisher runs them, on a small program folder.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UpdatePackageCommandTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _folder = Directory.CreateTempSubdirectory("vigil-package-cli-").FullName;

    [Fact]
    public async Task A_publisher_makes_a_key_builds_verifies_and_publishes_a_package_and_a_wrong_key_is_refused()
    {
        var keys = Path.Combine(_folder, "keys");
        var program = Path.Combine(_folder, "program");
        Directory.CreateDirectory(program);
        await File.WriteAllTextAsync(Path.Combine(program, "vigil"), "#!/bin/sh\n");
        var package = Path.Combine(_folder, "vigil-update_0.2.0.vup");
        var feed = Path.Combine(_folder, "feed");

        var keygen = await RunAsync(0, "keygen", "--out", keys);
        var build = await RunAsync(0, "build", "--from", program, "--version", "0.2.0", "--key", Path.Combine(keys, UpdateKeys.PrivateKeyFileName), "--out", package, "--oldest-from", "0.1.0");
        var verify = await RunAsync(0, "verify", package, "--keys", Path.Combine(keys, UpdateKeys.PublicKeyFileName), "--running", "0.1.5");
        await RunAsync(0, "publish", "--feed", feed, package);

        keygen.ShouldContain("Key id: ");
        File.GetUnixFileMode(Path.Combine(keys, UpdateKeys.PrivateKeyFileName)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        build.ShouldContain("vigil 0.2.0 (updates 0.1.0 and later), 1 files");
        verify.ShouldStartWith("OK: vigil 0.2.0");
        var catalog = await UpdateFeed.ReadAsync(feed, CancellationToken.None);
        catalog.Versions.ShouldHaveSingleItem().ShouldBe(new UpdateCatalogEntry("0.2.0", "vigil-update_0.2.0.vup", new FileInfo(package).Length, catalog.Versions[0].Sha256, "0.1.0"));

        await RunAsync(2, "keygen", "--out", keys);
        await RunAsync(0, "keygen", "--out", Path.Combine(_folder, "other"));
        (await RunAsync(1, "verify", package, "--keys", Path.Combine(_folder, "other", UpdateKeys.PublicKeyFileName))).ShouldContain($"Refused ({UpdateRules.UnknownKey})");
        (await RunAsync(1, "verify", package, "--keys", Path.Combine(keys, UpdateKeys.PublicKeyFileName), "--running", "0.2.0")).ShouldContain($"Refused ({UpdateRules.NotNewer})");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<string> RunAsync(int expectedExitCode, params string[] arguments)
    {
        await using var vigil = VigilProcess.Launch(["update-package", .. arguments]);
        var exitCode = await vigil.WaitForExitAsync(Deadline);
        exitCode.ShouldBe(expectedExitCode, vigil.Output);
        return vigil.Output;
    }
}
