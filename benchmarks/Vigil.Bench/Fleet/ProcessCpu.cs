using System.Globalization;

namespace Vigil.Bench.Fleet;

/// <summary>The CPU time a process has used so far (user + system), from <c>/proc/PID/stat</c>.</summary>
public static class ProcessCpu
{
    /// <summary>Linux reports these times in USER_HZ, which is 100 on every architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    public static TimeSpan Used(int processId)
    {
        var stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{processId}/stat"));

        // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var userTicks = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture);
        var systemTicks = long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((userTicks + systemTicks) / TicksPerSecond);
    }
}
