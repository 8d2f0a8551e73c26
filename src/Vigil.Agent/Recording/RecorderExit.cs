using System.Text.RegularExpressions;

namespace Vigil.Agent.Recording;

/// <summary>What ffmpeg's last words say about why a recording run ended.</summary>
public static partial class RecorderExit
{
    /// <summary>
    /// The line that says best why the run ended: the camera's own RTSP answer when it refused (ffmpeg's last line
    /// then only says "4XX Client Error"), else ffmpeg's last line; null when ffmpeg said nothing.
    /// </summary>
    public static string? Reason(string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return null;
        }

        var refusal = lines.Select(line => RtspRefusal().Match(line)).LastOrDefault(m => m.Success);
        return refusal is null ? lines[^1] : $"the camera refused: {refusal.Value}";
    }

    /// <summary>
    /// The camera's audio could not be turned into AAC: a decoder ffmpeg lacks or that fails on the stream, or the
    /// audio output that would not open. Video is copied, never decoded, so a decoder problem is always the audio's.
    /// </summary>
    public static bool AudioFailed(string stderr) => AudioLine().IsMatch(stderr);

    [GeneratedRegex(@"method [A-Z_]+ failed: \d{3}.*$", RegexOptions.CultureInvariant)]
    private static partial Regex RtspRefusal();

    [GeneratedRegex(@"Decoder \(codec [^)]*\) not found for input stream|Error while opening decoder for input stream|Error initializing output stream 0:[1-9]|Error while opening encoder for output stream #0:[1-9]|Audio encoding failed",
        RegexOptions.CultureInvariant)]
    private static partial Regex AudioLine();
}
