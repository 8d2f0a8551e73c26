using System.Globalization;

namespace Vigil.Bench.Fleet;

/// <summary>The CPU time a process has used so far (user + system), from <c>/proc/PID/stat</c>.</summary>
public static class ProcessCpu
{
    /// <summary>Linux reports these times in USER_HZ, which is 100 on every architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>
    /// The CPU time used so far by every process of this name (a PostgreSQL server's are all called <c>postgres</c>). A process
    /// that ends within a window takes its time with it, so over a window this is a lower bound.
    /// </summary>
    public static TimeSpan UsedByName(string name) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(d => d!.All(char.IsAsciiDigit))
            .Select(d => int.Parse(d!, CultureInfo.InvariantCulture))
            .Aggregate(TimeSpan.Zero, (sum, pid) => sum + (NameOf(pid) == name ? UsedOrZero(pid) : TimeSpan.Zero));

    public static TimeSpan Used(int processId)
    {
        var stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{processId}/stat"));

        // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var userTicks = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture);
        var systemTicks = long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((userTicks + systemTicks) / TicksPerSecond);
    }

    private static string? NameOf(int processId)
    {
        try
        {
            return File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{processId}/comm")).TrimEnd('\n');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static TimeSpan UsedOrZero(int processId)
    {
        try
        {
            return Used(processId);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }
}
