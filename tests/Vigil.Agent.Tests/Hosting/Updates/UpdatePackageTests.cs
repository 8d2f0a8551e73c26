using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Vigil.Hosting.Updates;
using Vigil.Testing.Updates;

namespace Vigil.Agent.Tests.Hosting.Updates;

/// <summary>
/// Update packages built and read in process: a good one installs byte for byte, and every way a package can be
/// wrong is refused with its own rule before anything is believed or written outside the destination.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UpdatePackageTests : IDisposable
{
    private static readonly Version Running = new(0, 1, 0);

    private readonly string _folder = Directory.CreateTempSubdirectory("vigil-package-test-").FullName;
    private readonly UpdateSigningKey _key;
    private readonly string _program;

    public UpdatePackageTests()
    {
        _key = UpdateSigningKey.Create(Path.Combine(_folder, "keys"));
        _program = Path.Combine(_folder, "program");
        Directory.CreateDirectory(Path.Combine(_program, "runtimes", "linux-x64"));
        File.WriteAllText(Path.Combine(_program, "vigil"), "#!/bin/sh\necho vigil\n");
        File.SetUnixFileMode(Path.Combine(_program, "vigil"), (UnixFileMode)0x1ED);
        File.WriteAllBytes(Path.Combine(_program, "vigil.dll"), RandomNumberGenerator.GetBytes(300_000));
        File.WriteAllText(Path.Combine(_program, "runtimes", "linux-x64", "native.so"), "native");
    }

    [Fact]
    public async Task A_signed_package_verifies_and_writes_every_file_as_it_was_with_its_mode()
    {
        var package = await BuildAsync("0.1.1");
        var target = Path.Combine(_folder, "installed");

        var manifest = await UpdatePackageReader.ReadAsync(package, [_key.PublicKey], Running, target, CancellationToken.None);

        manifest.Version.ShouldBe("0.1.1");
        manifest.Files.Select(f => f.Path).ShouldBe(["runtimes/linux-x64/native.so", "vigil", "vigil.dll"]);
        foreach (var file in manifest.Files)
        {
            (await File.ReadAllBytesAsync(Path.Combine(target, file.Path))).ShouldBe(await File.ReadAllBytesAsync(Path.Combine(_program, file.Path)));
        }

        File.GetUnixFileMode(Path.Combine(target, "vigil")).ShouldBe((UnixFileMode)0x1ED);
        File.GetUnixFileMode(Path.Combine(target, "vigil.dll")).ShouldBe((UnixFileMode)0x1A4);
        File.GetUnixFileMode(_key.PrivateKeyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, "the private key is its owner's alone");
        (await File.ReadAllTextAsync(_key.PublicKeyFile)).ShouldStartWith("-----BEGIN PUBLIC KEY-----");
    }

    [Fact]
    public async Task A_package_without_its_signature_is_refused_as_unsigned()
    {
        var package = await RewriteAsync(await BuildAsync("0.1.1"), drop: UpdatePackageLayout.SignatureEntry);

        await RefusedAsync(package, UpdateRules.NotSigned);
    }

    [Fact]
    public async Task A_package_signed_by_a_key_nobody_trusts_is_refused()
    {
        using var stranger = UpdateSigningKey.Create(Path.Combine(_folder, "stranger"));
        var package = Path.Combine(_folder, "stranger.vup");
        await UpdateBuilds.PackageAsync(_program, "0.1.1", stranger, package);

        (await RefusedAsync(package, UpdateRules.UnknownKey)).ShouldContain(UpdateKeys.Id(stranger.PublicKey));
    }

    [Fact]
    public async Task A_manifest_changed_after_signing_is_refused_by_its_signature()
    {
        var package = await RewriteAsync(await BuildAsync("0.1.1"), replace: (UpdatePackageLayout.ManifestEntry, bytes =>
            Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"0.1.1\"", "\"0.9.9\"", StringComparison.Ordinal))));

        await RefusedAsync(package, UpdateRules.BadSignature);
    }

    [Fact]
    public async Task A_program_file_changed_after_signing_is_refused_and_nothing_is_kept_from_it_but_the_destination()
    {
        var package = await RewriteAsync(await BuildAsync("0.1.1"), replace: ("files/vigil", bytes => [.. bytes.Select(b => (byte)(b ^ 1))]));

        (await RefusedAsync(package, UpdateRules.FileAltered)).ShouldContain("'vigil'");
    }

    [Fact]
    public async Task A_file_the_manifest_lists_but_the_package_lacks_is_refused()
    {
        var package = await RewriteAsync(await BuildAsync("0.1.1"), drop: "files/vigil.dll");

        (await RefusedAsync(package, UpdateRules.FileMissing)).ShouldContain("vigil.dll");
    }

    [Fact]
    public async Task A_file_the_manifest_does_not_list_is_refused()
    {
        var package = await RewriteAsync(await BuildAsync("0.1.1"), add: ("files/backdoor.so", [1, 2, 3]));

        (await RefusedAsync(package, UpdateRules.FileExtra)).ShouldContain("backdoor.so");
    }

    [Theory]
    [InlineData("files/../../etc/cron.d/x")]
    [InlineData("files//etc/passwd")]
    [InlineData("files/a\\..\\..\\b")]
    public async Task An_entry_that_would_leave_the_program_folder_is_refused(string name)
    {
        var package = await RewriteAsync(await BuildAsync("0.1.1"), add: (name, [1]));

        await RefusedAsync(package, UpdateRules.UnsafePath);
        Directory.Exists(Path.Combine(_folder, "etc")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_signed_manifest_naming_a_path_outside_the_program_folder_is_refused()
    {
        var package = await CraftAsync(new UpdateManifest(1, "vigil", "0.1.1", "0.0.0", [new("../outside", 1, new string('0', 64), 0x1A4)]));

        await RefusedAsync(package, UpdateRules.UnsafePath);
    }

    [Fact]
    public async Task A_link_inside_the_package_is_refused()
    {
        var package = await RewriteAsync(await BuildAsync("0.1.1"), link: "files/vigil.dll");

        await RefusedAsync(package, UpdateRules.UnsafePath);
    }

    [Theory]
    [InlineData("0.1.0")]
    [InlineData("0.0.9")]
    public async Task A_package_not_newer_than_the_running_version_is_refused(string version)
    {
        (await RefusedAsync(await BuildAsync(version), UpdateRules.NotNewer)).ShouldContain(version);
    }

    [Fact]
    public async Task A_package_that_cannot_update_a_version_this_old_is_refused()
    {
        var package = Path.Combine(_folder, "later.vup");
        await UpdateBuilds.PackageAsync(_program, "0.3.0", _key, package, oldestFrom: "0.2.0");

        (await RefusedAsync(package, UpdateRules.TooOld)).ShouldContain("0.2.0");
        (await UpdatePackageReader.ReadAsync(package, [_key.PublicKey], new Version(0, 2, 5), null, CancellationToken.None)).Version.ShouldBe("0.3.0");
    }

    [Fact]
    public async Task A_package_of_another_product_is_refused()
    {
        var package = await CraftAsync(new UpdateManifest(1, "not-vigil", "0.1.1", "0.0.0", [new("vigil", 1, new string('0', 64), 0x1ED)]));

        await RefusedAsync(package, UpdateRules.WrongProduct);
    }

    [Fact]
    public async Task Something_that_is_no_package_and_a_check_without_keys_are_refused()
    {
        var junk = Path.Combine(_folder, "junk.vup");
        await File.WriteAllBytesAsync(junk, RandomNumberGenerator.GetBytes(10_000));

        await RefusedAsync(junk, UpdateRules.Malformed);
        var package = await BuildAsync("0.1.1");
        var refusal = await Should.ThrowAsync<UpdatePackageException>(() => UpdatePackageReader.ReadAsync(package, [], Running, null, CancellationToken.None));
        refusal.Rule.ShouldBe(UpdateRules.NoKeys);
    }

    [Fact]
    public async Task Publishing_into_a_feed_copies_the_packages_and_lists_them_newest_first()
    {
        var feed = Path.Combine(_folder, "feed");
        var older = await BuildAsync("0.1.1");
        var newer = Path.Combine(_folder, "newer.vup");
        await UpdateBuilds.PackageAsync(_program, "0.2.0", _key, newer, oldestFrom: "0.1.0");

        await UpdateFeed.PublishAsync(feed, [older], CancellationToken.None);
        var catalog = await UpdateFeed.PublishAsync(feed, [newer, older], CancellationToken.None);

        catalog.Versions.Select(v => (v.Version, v.File, v.OldestFrom)).ShouldBe([("0.2.0", "vigil-update_0.2.0.vup", "0.1.0"), ("0.1.1", "vigil-update_0.1.1.vup", "0.0.0")]);
        var entry = catalog.Versions[0];
        entry.Size.ShouldBe(new FileInfo(newer).Length);
        entry.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(feed, entry.File)))));
        (await UpdateFeed.ReadAsync(feed, CancellationToken.None)).Versions.Count.ShouldBe(2);
        Directory.EnumerateFiles(feed).Select(Path.GetFileName).Order().ShouldBe(["catalog.json", "vigil-update_0.1.1.vup", "vigil-update_0.2.0.vup"]);
    }

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<string> BuildAsync(string version)
    {
        var package = Path.Combine(_folder, $"vigil-update_{version}.vup");
        await UpdateBuilds.PackageAsync(_program, version, _key, package);
        return package;
    }

    private async Task<string> RefusedAsync(string package, string rule)
    {
        var target = Path.Combine(_folder, "target-" + Guid.NewGuid().ToString("N"));
        var refusal = await Should.ThrowAsync<UpdatePackageException>(() => UpdatePackageReader.ReadAsync(package, [_key.PublicKey], Running, target, CancellationToken.None));
        refusal.Rule.ShouldBe(rule, refusal.Message);
        return refusal.Message;
    }

    /// <summary>A copy of <paramref name="package"/> with one entry dropped, replaced, turned into a link, or one added at the end.</summary>
    private async Task<string> RewriteAsync(
        string package, string? drop = null, (string Name, Func<byte[], byte[]> Change)? replace = null, (string Name, byte[] Data)? add = null, string? link = null)
    {
        var copy = Path.Combine(_folder, "rewritten-" + Guid.NewGuid().ToString("N") + ".vup");
        await using (var input = new GZipStream(File.OpenRead(package), CompressionMode.Decompress))
        await using (var output = new GZipStream(File.Create(copy), CompressionLevel.Fastest))
        {
            using var reader = new TarReader(input);
            await using var writer = new TarWriter(output, TarEntryFormat.Pax);
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                if (entry.Name == drop)
                {
                    continue;
                }

                if (entry.Name == link)
                {
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, entry.Name) { LinkName = "/etc/passwd" });
                    continue;
                }

                using var data = new MemoryStream();
                await entry.DataStream!.CopyToAsync(data);
                var bytes = replace is { } r && r.Name == entry.Name ? r.Change(data.ToArray()) : data.ToArray();
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = new MemoryStream(bytes) });
            }

            if (add is { } extra)
            {
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, extra.Name) { DataStream = new MemoryStream(extra.Data) });
            }
        }

        return copy;
    }

    /// <summary>A package whose manifest is properly signed but says whatever the test wants.</summary>
    private async Task<string> CraftAsync(UpdateManifest manifest)
    {
        var package = Path.Combine(_folder, "crafted-" + Guid.NewGuid().ToString("N") + ".vup");
        var bytes = manifest.ToBytes();
        var signature = new UpdateSignature(UpdateKeys.Id(_key.PrivateKey), Convert.ToBase64String(_key.PrivateKey.SignData(bytes, HashAlgorithmName.SHA256)));
        await using var output = new GZipStream(File.Create(package), CompressionLevel.Fastest);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax);
        await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, UpdatePackageLayout.ManifestEntry) { DataStream = new MemoryStream(bytes) });
        await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, UpdatePackageLayout.SignatureEntry) { DataStream = new MemoryStream(signature.ToBytes()) });
        return package;
    }
}
