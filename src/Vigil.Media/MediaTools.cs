namespace Vigil.Media;

/// <summary>
/// Where ffmpeg and ffprobe are: <c>VIGIL_FFMPEG</c> / <c>VIGIL_FFPROBE</c> if set, else the first on PATH.
/// </summary>
public sealed record MediaTools(string Ffmpeg, string Ffprobe)
{
    public static MediaTools Locate(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var ffmpeg = environment("VIGIL_FFMPEG") ?? FindOnPath("ffmpeg", environment);
        var ffprobe = environment("VIGIL_FFPROBE") ?? FindOnPath("ffprobe", environment);
        if (ffmpeg is null || ffprobe is null)
        {
            throw new InvalidOperationException(
                "ffmpeg and ffprobe are needed but not found on PATH; install them (Debian: apt-get install ffmpeg) or set VIGIL_FFMPEG and VIGIL_FFPROBE.");
        }

        return new MediaTools(ffmpeg, ffprobe);
    }

    private static string? FindOnPath(string name, Func<string, string?> environment) =>
        (environment("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
