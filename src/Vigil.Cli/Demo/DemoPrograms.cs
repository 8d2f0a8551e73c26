using System.Diagnostics;
using Vigil.Hosting.Updates;

namespace Vigil.Cli.Demo;

/// <summary>
/// The programs and keys the demo needs to show an agent update: a publisher key pair in <c>DIR/keys</c> that the demo's
/// CMS trusts, and for every agent an installed layout of its own, <c>DIR/programs/NAME/versions/X.Y.Z</c> beside a
/// <c>current</c> link, as the Debian package lays out /usr/lib/vigil, so each agent can update itself independently. The
/// versions are one copy of this program (<c>DIR/programs/base</c>) hard-linked into each layout: an update writes a
/// new version folder and never changes the files of the old one.
/// </summary>
internal static class DemoPrograms
{
    public static string PrivateKey(string directory) => Path.Combine(directory, "keys", UpdateKeys.PrivateKeyFileName);

    public static string PublicKey(string directory) => Path.Combine(directory, "keys", UpdateKeys.PublicKeyFileName);

    /// <summary>The executable an agent starts from: <c>DIR/programs/NAME/current/vigil</c>, whatever version that is now.</summary>
    public static string Executable(string directory, string agent) => Path.Combine(directory, "programs", agent, "current", "vigil");

    public static void MakeKeys(string directory) => UpdateKeys.Generate(Path.Combine(directory, "keys"));

    /// <summary>Lays out this program as <paramref name="version"/> for each of <paramref name="agents"/>.</summary>
    public static void InstallAgents(string directory, string version, IEnumerable<string> agents)
    {
        var programs = Path.Combine(directory, "programs");
        var baseCopy = Path.Combine(programs, "base");
        Directory.CreateDirectory(baseCopy);
        Copy("-a", Path.Combine(AppContext.BaseDirectory, "."), baseCopy);
        foreach (var agent in agents)
        {
            var versions = Path.Combine(programs, agent, "versions");
            Directory.CreateDirectory(versions);
            Copy("-al", baseCopy, Path.Combine(versions, version));
            File.CreateSymbolicLink(Path.Combine(programs, agent, "current"), Path.Combine("versions", version));
        }
    }

    /// <summary>The next patch of <paramref name="version"/>: what the demo's CMS runs so its agents have an update to take.</summary>
    public static string NextPatch(Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return UpdateVersions.Format(new Version(version.Major, version.Minor, Math.Max(version.Build, 0) + 1));
    }

    private static void Copy(string mode, string from, string to)
    {
        var start = new ProcessStartInfo("cp") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(from);
        start.ArgumentList.Add(to);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cp did not start.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"cp {mode} {from} {to} failed: {error.Trim()}");
        }
    }
}
