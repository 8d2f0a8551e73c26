using System.Runtime.InteropServices;

namespace Vigil.Bench.Fleet;

/// <summary>
/// Raises this process's limit of open files (RLIMIT_NOFILE). A fleet of N servers holds N listening
/// sockets and N connections from the CMS; the CMS, started by this process, inherits the limit.
/// </summary>
internal static class OpenFileLimit
{
    private const int NoFile = 7;

    /// <summary>Raises the soft limit to at least <paramref name="wanted"/>, as far as allowed; answers the soft limit now in force (null off Linux).</summary>
    public static ulong? Raise(ulong wanted)
    {
        if (!OperatingSystem.IsLinux() || GetLimit(NoFile, out var limit) != 0)
        {
            return null;
        }

        // Raising the hard limit needs privilege; without it, the soft limit can still go up to the hard one.
        if (limit.Current < wanted
            && SetLimit(NoFile, new ResourceLimit(wanted, Math.Max(wanted, limit.Maximum))) != 0
            && SetLimit(NoFile, limit with { Current = limit.Maximum }) != 0)
        {
            return limit.Current;
        }

        return GetLimit(NoFile, out limit) == 0 ? limit.Current : null;
    }

    [DllImport("libc", EntryPoint = "getrlimit")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetLimit(int resource, out ResourceLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetLimit(int resource, in ResourceLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct ResourceLimit(ulong Current, ulong Maximum);
}
