using System.Security.Cryptography;

namespace Vigil.Hosting;

/// <summary>
/// The first admin password of a Vigil server: taken from <see cref="EnvironmentVariable"/>, or generated
/// and printed once on first start. Only its hash is kept.
/// </summary>
public static class InitialAdminPassword
{
    public const string EnvironmentVariable = "VIGIL_ADMIN_PASSWORD";

    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>The password to create the admin with, and whether it was generated (so must be shown once).</summary>
    public static (string Password, bool Generated) Choose(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var given = environment(EnvironmentVariable);
        return string.IsNullOrEmpty(given) ? (Generate(), true) : (given, false);
    }

    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, 20);
}
