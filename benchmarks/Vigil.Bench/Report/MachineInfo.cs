using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vigil.Bench.Report;

/// <summary>The machine a run measured, as the report states it: CPU, cores, memory, OS, runtime, ffmpeg.</summary>
public sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Runtime, string Ffmpeg)
{
    public static async Task<MachineInfo> ReadAsync()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? (await File.ReadAllLinesAsync("/proc/cpuinfo")).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? (await File.ReadAllLinesAsync("/proc/meminfo")).FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return new MachineInfo(
            cpu ?? RuntimeInformation.ProcessArchitecture.ToString(),
            Environment.ProcessorCount,
            memory is null ? "unknown" : $"{long.Parse(memory.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024} GiB",
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            await FirstLineAsync("ffmpeg", "-version") ?? "not found");
    }

    private static async Task<string?> FirstLineAsync(string program, string argument)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, argument) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null)
            {
                return null;
            }

            var line = await process.StandardOutput.ReadLineAsync();
            await process.WaitForExitAsync();
            return line;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
