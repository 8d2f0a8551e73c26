using System.Diagnostics;

namespace Vigil.Cli.Demo;

/// <summary>
/// vigil built from this source tree as another version: a framework-dependent <c>dotnet publish</c> of
/// <c>src/Vigil.Cli</c> with <c>-p:Version=X.Y.Z</c> into <c>artifacts/update-builds/X.Y.Z/program</c>, incremental
/// from one call to the next. The demo runs its CMS one patch ahead of its agents with it, so there is an update to
/// show; the tests update agents to it. One publish of a version at a time on this machine (a file lock).
/// </summary>
public static class SourceBuild
{
    private static readonly TimeSpan PublishDeadline = TimeSpan.FromMinutes(10);

    /// <summary>The source tree this program was built from (the folder of Vigil.slnx above it), or null for an installed vigil.</summary>
    public static string? RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Vigil.slnx")))
            {
                return folder.FullName;
            }
        }

        return null;
    }

    /// <summary>Publishes vigil <paramref name="version"/> and answers its program folder (with its <c>vigil</c> executable).</summary>
    public static async Task<string> PublishAsync(string repositoryRoot, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        var folder = Path.Combine(repositoryRoot, "artifacts", "update-builds", version);
        Directory.CreateDirectory(folder);
        var program = Path.Combine(folder, "program");
        using (await LockAsync(Path.Combine(folder, "publish.lock"), cancellationToken).ConfigureAwait(false))
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = repositoryRoot,
            };
            foreach (var argument in new[]
            {
                "publish", Path.Combine("src", "Vigil.Cli", "Vigil.Cli.csproj"), "-c", "Release", $"-p:Version={version}",
                "--artifacts-path", Path.Combine(folder, "build"), "-o", program, "-nologo", "-v", "quiet", "-clp:ErrorsOnly",
                "-p:PublishDocumentationFiles=false", "-p:SatelliteResourceLanguages=en",
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).WaitAsync(PublishDeadline, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            if (process.ExitCode != 0 || !File.Exists(Path.Combine(program, "vigil")))
            {
                throw new InvalidOperationException(
                    $"dotnet publish of vigil {version} failed ({process.ExitCode}):\n{await output.ConfigureAwait(false)}\n{await errors.ConfigureAwait(false)}");
            }
        }

        return program;
    }

    private static async Task<FileStream> LockAsync(string file, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < PublishDeadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
