using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Agent.Updates;

/// <summary>
/// Points <c>ROOT/current</c> at another version in one step: a new link made beside it, then renamed over it with
/// rename(2), which is atomic, so a start at any moment runs either the old version or the new one, never neither.
/// (.NET's File.Move follows the link to the version folder and refuses to move "a directory" over a file.)
/// </summary>
internal static class CurrentLink
{
    public static string? Target(ProgramLayout layout) => new FileInfo(layout.Current).LinkTarget;

    public static void Switch(ProgramLayout layout, string target)
    {
        var fresh = Path.Combine(layout.Root, $".{ProgramLayout.CurrentLink}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(fresh, target);
        if (Rename(NullTerminated(fresh), NullTerminated(layout.Current)) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            File.Delete(fresh);
            throw new IOException($"Could not point {layout.Current} at {target}: {Marshal.GetPInvokeErrorMessage(error)}");
        }
    }

    private static byte[] NullTerminated(string path) => Encoding.UTF8.GetBytes(path + '\0');

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Rename(byte[] from, byte[] to);
}
