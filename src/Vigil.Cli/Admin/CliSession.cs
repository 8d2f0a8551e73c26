using System.Text.Json;
using Vigil.Contracts;

namespace Vigil.Cli.Admin;

/// <summary>
/// What <c>vigil login</c> keeps for later calls: the CMS address, the bearer token and, over https, the
/// CMS certificate's fingerprint trusted at login; with several CMS hosts, the others in <paramref name="OtherHosts"/>.
/// Stored readable by the user only.
/// </summary>
internal sealed record CliSession(Uri Cms, string Token, string? Fingerprint, IReadOnlyList<CmsEndpoint>? OtherHosts = null)
{
    /// <summary>Every host, the one signed in to first.</summary>
    public IReadOnlyList<CmsEndpoint> Endpoints() => [new CmsEndpoint(Cms, Fingerprint), .. OtherHosts ?? []];

    public const string PathVariable = "VIGIL_CLI_SESSION";

    public static string FilePath
    {
        get
        {
            if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath)
            {
                return explicitPath;
            }

            var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(config, "vigil", "session.json");
        }
    }

    public static CliSession? Load()
    {
        var path = FilePath;
        return File.Exists(path) ? JsonSerializer.Deserialize<CliSession>(File.ReadAllText(path), ContractJson.Options) : null;
    }

    public void Save()
    {
        var path = FilePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        JsonSerializer.Serialize(stream, this, ContractJson.Options);
    }

    public static void Delete() => File.Delete(FilePath);
}
