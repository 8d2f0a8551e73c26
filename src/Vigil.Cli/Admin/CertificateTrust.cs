using System.Text.Json;

namespace Vigil.Cli.Admin;

/// <summary>
/// The operator's trust decision for an agent's certificate. The CMS sends an agent nothing secret until its certificate
/// fingerprint is confirmed; when it asks, the fingerprint is shown to compare with the one the agent printed at start,
/// and the call is repeated with it only if the operator, at a terminal, says yes.
/// </summary>
internal static class CertificateTrust
{
    public const string UnconfirmedRule = "server.fingerprint-unconfirmed";

    public static async Task<T> WithAsync<T>(string? given, Func<string?, Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        string seen;
        try
        {
            return await call(given).ConfigureAwait(false);
        }
        catch (CliFailure e) when (e.Rule == UnconfirmedRule && given is null && Presented(e) is { } presented)
        {
            if (!Ask(e.Message, "agent"))
            {
                throw new CliFailure($"{e.Message}\nNot trusted, so nothing was sent to the agent. To trust it, repeat with --fingerprint {presented}", e.Rule);
            }

            seen = presented;
        }

        return await call(seen).ConfigureAwait(false);
    }

    /// <summary>Asks at the terminal; a script (input redirected) is never trusted implicitly and must pass --fingerprint.</summary>
    /// <param name="who">The server that printed the fingerprint at start: "agent" or "CMS".</param>
    public static bool Ask(string question, string who)
    {
        if (Console.IsInputRedirected)
        {
            return false;
        }

        Console.Error.WriteLine(question);
        Console.Error.Write($"Is this the fingerprint the {who} printed at start? Type 'yes' to trust it: ");
        return string.Equals(Console.ReadLine()?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);
    }

    private static string? Presented(CliFailure failure)
    {
        if (failure.Data["problem"] is not string text)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("fingerprint", out var fingerprint) ? fingerprint.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
