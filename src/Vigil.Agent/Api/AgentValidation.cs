using System.Text.RegularExpressions;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Api;

/// <summary>What the agent accepts as camera and server identifiers and camera settings.</summary>
public static partial class AgentValidation
{
    public const int MaxRetentionHours = 24 * 365 * 10;

    public const int MaxStreamUrlLength = 2048;

    /// <summary>A camera id or protected-server key: safe as a folder name and in a URL.</summary>
    public static bool IsIdentifier(string? value) => value is not null && Identifier().IsMatch(value) && value != AgentRoutes.OwnRecordings;

    /// <summary>The rule a camera breaks, with a message; null when it is acceptable.</summary>
    public static (string Rule, string Message)? Check(CameraConfig? camera)
    {
        if (camera is null)
        {
            return ("camera.missing", "The request needs a camera.");
        }

        if (!IsIdentifier(camera.Id))
        {
            return ("camera.invalid-id",
                $"A camera id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, and not '{AgentRoutes.OwnRecordings}'.");
        }

        if (string.IsNullOrWhiteSpace(camera.Name) || camera.Name.Length > 64 || camera.Name.Any(char.IsControl))
        {
            return ("camera.invalid-name", "A camera name is 1 to 64 characters without control characters.");
        }

        if (!IsStreamUrl(camera.StreamUrl))
        {
            return ("camera.invalid-url",
                $"'{StreamUrlMask.Mask(camera.StreamUrl)}' is not a stream URL; use rtsp://, http:// or https:// with a host, at most {MaxStreamUrlLength} characters without spaces.");
        }

        if (CameraSource.Parse(camera.StreamUrl, out var problem) is null)
        {
            return ("camera.invalid-url", $"'{StreamUrlMask.Mask(camera.StreamUrl)}': {problem}.");
        }

        return camera.RetentionHours is < 0 or > MaxRetentionHours
            ? ("camera.invalid-retention", $"Retention is 0 (keep) to {MaxRetentionHours} hours.")
            : null;
    }

    /// <summary>
    /// A URL ffmpeg may be given as a camera: rtsp, http or https with a host, and nothing that .NET would
    /// trim or ignore but ffmpeg would read (whitespace, control characters), so what was checked is what runs.
    /// Other schemes (file:, concat:, subfile:, data:) would let a caller make ffmpeg read the agent's own files.
    /// </summary>
    public static bool IsStreamUrl(string? value) =>
        value is { Length: > 0 and <= MaxStreamUrlLength }
        && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
        && Uri.TryCreate(value, UriKind.Absolute, out var url)
        && url.Scheme is "rtsp" or "http" or "https"
        && url.Host.Length > 0
        && value.StartsWith(url.Scheme + "://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A SHA-256 in hex, as recordings and grant tokens are named by.</summary>
    public static bool IsSha256(string? value) => value is not null && Sha256Hex().IsMatch(value);

    [GeneratedRegex(@"^[0-9a-fA-F]{64}\z")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex Identifier();
}
