using System.Text.RegularExpressions;

namespace Vigil.Contracts;

/// <summary>
/// Hides the credentials a camera stream URL may carry (<c>rtsp://user:password@host/…</c>) before it is
/// written to a log or sent back in a problem: the password becomes <c>***</c>, and a user part without a
/// password (often an access token) is hidden whole. Works on a URL alone or on any text that embeds URLs,
/// such as an ffmpeg error line.
/// </summary>
public static partial class StreamUrlMask
{
    public const string Hidden = "***";

    public static string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        return Credentials().Replace(text, m => m.Groups["password"].Success
            ? $"{m.Groups["scheme"].Value}{m.Groups["user"].Value}:{Hidden}@"
            : $"{m.Groups["scheme"].Value}{Hidden}@");
    }

    // The user info of a URL ends at the last '@' before the path; it cannot hold whitespace, '/', '?' or '#'.
    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?<user>[^\s/?#@:]*)(?::(?<password>[^\s/?#]*))?@", RegexOptions.CultureInvariant)]
    private static partial Regex Credentials();
}
