using System.Diagnostics;

namespace Vigil.Media;

/// <summary>
/// Starts a tool with all three standard streams its own: a child that inherited ours would keep our
/// output open after we die (an orphaned ffmpeg holding a parent's pipe), and read our input.
/// </summary>
public static class ChildProcess
{
    public static Process Start(string file, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        return process;
    }
}
