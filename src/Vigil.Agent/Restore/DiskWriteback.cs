using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vigil.Agent.Restore;

/// <summary>
/// Has the disk start writing what a restore received so far, without waiting for it (Linux's sync_file_range). A restored
/// file is fsynced before it is kept; left to that fsync alone, every byte of a large file waits in the page cache until the
/// whole file is here, and the fsync then writes it all while the transfer of that file stands still. Started every
/// <see cref="Step"/> bytes, the disk writes beside the transfer and the fsync finds little left. It changes when bytes
/// reach the disk, never whether: the fsync before keeping the file is what makes it durable.
/// </summary>
internal static class DiskWriteback
{
    /// <summary>How much is received between two starts: large enough that a 2-second segment never needs one.</summary>
    public const long Step = 8L * 1024 * 1024;

    private const uint StartWriting = 2; // SYNC_FILE_RANGE_WRITE: start writing the dirty pages of the range; do not wait.

    /// <summary>Starts writing <paramref name="count"/> bytes of <paramref name="file"/> from <paramref name="offset"/>; a no-op where the call is missing.</summary>
    public static void Start(SafeFileHandle file, long offset, long count)
    {
        if (OperatingSystem.IsLinux())
        {
            // Only a hint: if it fails, the fsync before the file is kept writes these bytes all the same.
            _ = SyncFileRange(file, offset, count, StartWriting);
        }
    }

    [DllImport("libc", EntryPoint = "sync_file_range")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SyncFileRange(SafeFileHandle file, long offset, long count, uint flags);
}
