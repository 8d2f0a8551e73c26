using Microsoft.Extensions.Logging;
using Vigil.Agent.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;
using Vigil.Hosting.Updates;

namespace Vigil.Agent.Updates;

/// <summary>
/// Takes an update package from the CMS and makes it the version that runs next: the package is streamed into the
/// private update folder of the data directory and verified in full (signature against the keys the CMS trusts, every
/// file, the versions) before a byte reaches the program folders; then it is unpacked beside the running version
/// (verified again as it is written, into a hidden folder renamed into place), the database is backed up, and
/// <c>current</c> is switched. The restart itself is the caller's, once it has answered. One update at a time.
/// </summary>
internal sealed class UpdateInstaller(
    ProgramLayout layout, UpdateStateFile stateFile, AgentDatabase database, TimeProvider time, ILogger<UpdateInstaller> logger) : IDisposable
{
    /// <summary>Packages are 40–70 MB; this bounds what a caller can make the agent write to its disk.</summary>
    public const long MaxPackageBytes = 1024L * 1024 * 1024;

    private readonly SemaphoreSlim _one = new(1, 1);

    public void Dispose() => _one.Dispose();

    private static string Running => UpdateVersions.Format(VigilVersion.Current);

    public AgentUpdateStatus Status()
    {
        var state = stateFile.Read();
        return new AgentUpdateStatus(state.State, Running, state.FromVersion, state.ToVersion, state.Reason, state.At, layout.Updatable, layout.Reason);
    }

    /// <summary>Refused with an <see cref="UpdatePackageException"/> naming the rule; <see cref="UpdateRules.Busy"/> when another update runs.</summary>
    public async Task<AgentUpdateStatus> InstallAsync(Stream body, string? trustedKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!layout.Updatable)
        {
            throw new UpdatePackageException(UpdateRules.NotUpdatable, layout.Reason!);
        }

        var keys = UpdateKeys.ParseHeader(trustedKeys);
        if (keys.Count == 0)
        {
            throw new UpdatePackageException(UpdateRules.NoKeys, $"No trusted publisher key in {AgentRoutes.UpdateKeysHeader}: a package cannot be checked without one.");
        }

        if (!await _one.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
        {
            throw new UpdatePackageException(UpdateRules.Busy, "Another update is being received or installed.");
        }

        try
        {
            var before = stateFile.Read();
            if (before.AwaitingConfirmation)
            {
                throw new UpdatePackageException(UpdateRules.Busy, $"The update to vigil {before.ToVersion} is not confirmed yet ({before.State}).");
            }

            return await InstallLockedAsync(body, keys, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }

            _one.Release();
        }
    }

    private async Task<AgentUpdateStatus> InstallLockedAsync(Stream body, IReadOnlyList<System.Security.Cryptography.ECDsa> keys, CancellationToken cancellationToken)
    {
        var state = new UpdateState(AgentUpdateStates.Verifying, Running, null, null, time.GetUtcNow());
        stateFile.Write(state);
        var incoming = Path.Combine(stateFile.Folder, $"incoming-{Guid.NewGuid():N}{UpdatePackageLayout.Extension}");
        try
        {
            await ReceiveAsync(body, incoming, cancellationToken).ConfigureAwait(false);
            var manifest = await UpdatePackageReader.ReadAsync(incoming, keys, VigilVersion.Current, null, cancellationToken).ConfigureAwait(false);
            logger.Verified(manifest.Version, manifest.Files.Count, Running);
            state = state with { State = AgentUpdateStates.Installing, ToVersion = manifest.Version, At = time.GetUtcNow() };
            stateFile.Write(state);

            var folder = await UnpackAsync(incoming, keys, manifest.Version, cancellationToken).ConfigureAwait(false);
            var backup = Path.Combine(stateFile.Folder, $"agent-before-{manifest.Version}.db");
            DatabaseBackup.Save(database, backup);
            logger.Installed(manifest.Version, folder, backup);

            var target = ProgramLayout.TargetOf(manifest.Version);
            stateFile.Write(state with
            {
                State = AgentUpdateStates.Restarting,
                At = time.GetUtcNow(),
                PreviousTarget = CurrentLink.Target(layout) ?? ProgramLayout.TargetOf(Running),
                DatabaseBackup = backup,
                RestartPending = true,
            });
            CurrentLink.Switch(layout, target);
            logger.Switched(layout.Current, target, manifest.Version);
            return Status();
        }
        catch (UpdatePackageException e)
        {
            logger.Refused(e.Rule, e.Message);
            stateFile.Write(state with { State = AgentUpdateStates.Failed, Reason = e.Message, At = time.GetUtcNow() });
            throw;
        }
        catch (OperationCanceledException)
        {
            // The sender went away (a CMS stopped mid-send, or while this agent checked the package): nothing was switched.
            // No version is named, so the CMS that comes back sees that nothing of its update arrived and sends it again.
            stateFile.Write(state with
            {
                State = AgentUpdateStates.Failed,
                ToVersion = null,
                Reason = "The update was cut off (its sender went away) before it switched versions; nothing changed.",
                At = time.GetUtcNow(),
            });
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.InstallFailed(e, state.ToVersion ?? "?");
            var reason = $"Installing failed: {e.Message}";
            stateFile.Write(state with { State = AgentUpdateStates.Failed, Reason = reason, At = time.GetUtcNow() });
            throw new UpdatePackageException(UpdateRules.InstallFailed, reason);
        }
        finally
        {
            File.Delete(incoming);
        }
    }

    private static async Task ReceiveAsync(Stream body, string file, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 128 * 1024 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFiles.PrivateFileMode;
        }

        var output = new FileStream(file, options);
        await using (output.ConfigureAwait(false))
        {
            var buffer = new byte[128 * 1024];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxPackageBytes)
                {
                    throw new UpdatePackageException(UpdateRules.TooLarge, $"The package is larger than {MaxPackageBytes} bytes.");
                }

                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Into a hidden folder beside the versions, checked again as written, then renamed: a version folder is whole or absent.</summary>
    private async Task<string> UnpackAsync(string package, IReadOnlyList<System.Security.Cryptography.ECDsa> keys, string version, CancellationToken cancellationToken)
    {
        var partial = Path.Combine(layout.Versions, $".{version}.partial-{Guid.NewGuid():N}");
        var folder = Path.Combine(layout.Versions, version);
        try
        {
            Directory.CreateDirectory(partial);
            await UpdatePackageReader.ReadAsync(package, keys, VigilVersion.Current, partial, cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                // Readable by every user, as dpkg installs a version: the CMS unit runs the same program.
                foreach (var directory in Directory.EnumerateDirectories(partial, "*", SearchOption.AllDirectories).Prepend(partial))
                {
                    File.SetUnixFileMode(directory, (UnixFileMode)0x1ED);
                }
            }

            if (Directory.Exists(folder))
            {
                // Left by an earlier attempt that never switched to it: not running, replaced whole.
                Directory.Delete(folder, recursive: true);
            }

            Directory.Move(partial, folder);
            return folder;
        }
        finally
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
        }
    }
}
