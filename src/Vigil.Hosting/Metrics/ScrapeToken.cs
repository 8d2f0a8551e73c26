using System.Security.Cryptography;
using System.Text;

namespace Vigil.Hosting.Metrics;

/// <summary>
/// The token Prometheus presents (<c>Authorization: Bearer …</c>) to read <c>/metrics</c> and nothing else. It is
/// read from a file the operator writes (<see cref="OptionName"/>), so it is never on a command line or in a
/// process listing; only its SHA-256 is held, and a presented token is compared in constant time.
/// </summary>
public sealed class ScrapeToken
{
    public const string OptionName = "--metrics-token-file";

    /// <summary>Shorter tokens could be guessed over the network.</summary>
    public const int MinimumLength = 16;

    private readonly byte[]? _hash;

    private ScrapeToken(byte[]? hash) => _hash = hash;

    /// <summary>No token configured: only a signed-in person's own credentials read the metrics.</summary>
    public static ScrapeToken None { get; } = new(null);

    public bool IsConfigured => _hash is not null;

    /// <summary>Reads the token from <paramref name="path"/> (its first line); none when the path is null.</summary>
    /// <exception cref="ArgumentException">The file is missing, empty or holds a token that is too short.</exception>
    public static ScrapeToken FromFile(string? path)
    {
        if (path is null)
        {
            return None;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"The metrics token file {path} cannot be read: {e.Message}", e);
        }

        var token = text.Split('\n', 2)[0].Trim();
        if (token.Length < MinimumLength)
        {
            throw new ArgumentException(
                $"The metrics token in {path} must be at least {MinimumLength} characters (e.g. the output of `openssl rand -hex 32`).");
        }

        return new ScrapeToken(Hash(token));
    }

    public bool Matches(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        return _hash is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), _hash);
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
