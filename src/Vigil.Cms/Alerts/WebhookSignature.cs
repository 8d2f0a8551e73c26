using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Cms.Alerts;

/// <summary>
/// <c>X-Vigil-Signature: t=UNIX-SECONDS,v1=HEX</c>: HMAC-SHA256 with the webhook's secret over
/// <c>"{t}.{body}"</c>. The time inside the signed text lets a receiver refuse a replayed old call.
/// </summary>
internal static class WebhookSignature
{
    public const string Header = "X-Vigil-Signature";

    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Mac(secret, t, body)}";
    }

    /// <summary>Whether <paramref name="header"/> is a valid signature of <paramref name="body"/> with <paramref name="secret"/>, made at most <paramref name="tolerance"/> from <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(header);
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(secret, t, body)), Encoding.ASCII.GetBytes(v1));
    }

    private static string Mac(string secret, string t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
}
