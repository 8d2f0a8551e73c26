using Microsoft.AspNetCore.Identity;

namespace Vigil.Hosting;

/// <summary>ASP.NET Core Identity's password hasher (PBKDF2 with a per-password salt), for one admin account.</summary>
public static class PasswordHashing
{
    private static readonly PasswordHasher<string> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword("admin", password);

    public static bool Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword("admin", hash, password) != PasswordVerificationResult.Failed;
}
