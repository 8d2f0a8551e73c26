using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Hosting.Updates;

/// <summary>Versions in packages are X.Y.Z exactly, as <c>./package</c> and the assemblies have them.</summary>
public static partial class UpdateVersions
{
    public static bool TryParse(string? text, out Version version)
    {
        version = new Version(0, 0, 0);
        if (text is null || !Pattern().IsMatch(text))
        {
            return false;
        }

        var parts = text.Split('.').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        version = new Version(parts[0], parts[1], parts[2]);
        return true;
    }

    public static Version Parse(string text, string what) =>
        TryParse(text, out var version) ? version : throw new UpdatePackageException(UpdateRules.Malformed, $"{what} '{text}' is not X.Y.Z.");

    public static string Format(Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return $"{version.Major}.{version.Minor}.{Math.Max(version.Build, 0)}";
    }

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\z")]
    private static partial Regex Pattern();
}
