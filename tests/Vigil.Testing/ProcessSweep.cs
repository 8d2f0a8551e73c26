using System.Diagnostics;

namespace Vigil.Testing;

/// <summary>
/// Finds processes by their command line. Tests use it to find the ffmpeg a recorder runs, and to kill
/// everything that mentions a test's folder: the ffmpeg children of a killed agent are no longer in its
/// process tree, and a test stops everything it started.
/// </summary>
public static class ProcessSweep
{
    /// <summary>Ids of the processes whose command line contains every one of <paramref name="texts"/>.</summary>
    public static IReadOnlyList<int> Matching(params string[] texts)
    {
        if (!Directory.Exists("/proc"))
        {
            return [];
        }

        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                if (texts.All(t => commandLine.Contains(t, StringComparison.Ordinal)))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone already.
            }
        }

        return found;
    }

    public static void KillEverythingMentioning(string text)
    {
        foreach (var pid in Matching(text))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }
    }
}
