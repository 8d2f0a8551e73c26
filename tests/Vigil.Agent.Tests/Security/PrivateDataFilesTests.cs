using System.Runtime.Versioning;
using Vigil.Agent.Storage;
using Vigil.Agent.Tests.Support;
using Vigil.Hosting;

namespace Vigil.Agent.Tests.Security;

/// <summary>Another user on the agent's machine reading its database, TLS key or data-protection keys.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PrivateDataFilesTests
{
    private static readonly UnixFileMode Readable = (UnixFileMode)Convert.ToInt32("644", 8);

    [Fact]
    public async Task The_data_directory_and_its_secrets_are_private_and_loosened_modes_are_corrected_at_start()
    {
        await using var agent = await AgentUnderTest.StartAsync([], scheme: "https");
        var database = Path.Combine(agent.DataDirectory, AgentDatabase.FileName);
        var certificate = Path.Combine(agent.DataDirectory, SelfSignedCertificate.FileName);
        var keys = Path.Combine(agent.DataDirectory, "keys");

        ShouldBePrivate(agent.DataDirectory, database, certificate, keys);

        await agent.Process.DisposeAsync();
        File.SetUnixFileMode(agent.DataDirectory, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(database, Readable);
        File.SetUnixFileMode(certificate, Readable);
        File.SetUnixFileMode(keys, (UnixFileMode)Convert.ToInt32("755", 8));
        var planted = Path.Combine(keys, "key-planted.xml");
        await File.WriteAllTextAsync(planted, "<key/>");
        File.SetUnixFileMode(planted, Readable);
        await agent.StartAsync();

        ShouldBePrivate(agent.DataDirectory, database, certificate, keys);
        File.GetUnixFileMode(planted).ShouldBe(PrivateFiles.PrivateFileMode);
        foreach (var companion in new[] { "-wal", "-shm" }.Select(s => database + s).Where(File.Exists))
        {
            File.GetUnixFileMode(companion).ShouldBe(PrivateFiles.PrivateFileMode, companion);
        }
    }

    private static void ShouldBePrivate(string data, string database, string certificate, string keys)
    {
        File.GetUnixFileMode(data).ShouldBe(PrivateFiles.PrivateDirectoryMode);
        File.GetUnixFileMode(keys).ShouldBe(PrivateFiles.PrivateDirectoryMode);
        File.GetUnixFileMode(database).ShouldBe(PrivateFiles.PrivateFileMode);
        File.GetUnixFileMode(certificate).ShouldBe(PrivateFiles.PrivateFileMode);
    }
}
