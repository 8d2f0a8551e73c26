using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vigil.Media;

/// <summary>Asks a child process to stop the way a terminal would (SIGINT), so ffmpeg closes its files cleanly.</summary>
public static partial class ProcessSignals
{
    private const int SigInt = 2;

    public static async Task StopAsync(Process process, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Kill(process.Id, SigInt);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(grace);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
