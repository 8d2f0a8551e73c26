using System.Globalization;
using System.Security.Cryptography;
using Vigil.Agent.Storage;

namespace Vigil.Agent;

/// <summary>
/// Who this agent is: a serial made on first start and kept, and a name, model and license count that
/// the command line may change and the database remembers.
/// </summary>
public sealed class AgentIdentity
{
    public AgentIdentity(AgentOptions options, AgentSettings settings, string? certificateFingerprint)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        Serial = settings.GetOrAdd(AgentSettings.Serial, () => Convert.ToHexString(RandomNumberGenerator.GetBytes(6)));
        Name = Remember(settings, AgentSettings.Name, options.Name, Environment.MachineName);
        Model = Remember(settings, AgentSettings.Model, options.Model, AgentOptions.DefaultModel);
        LicenseChannels = int.Parse(
            Remember(settings, AgentSettings.LicenseChannels, options.LicenseChannels?.ToString(CultureInfo.InvariantCulture),
                AgentOptions.DefaultLicenseChannels.ToString(CultureInfo.InvariantCulture)),
            CultureInfo.InvariantCulture);
        CertificateFingerprint = certificateFingerprint;
    }

    public string Serial { get; }

    public string Name { get; }

    public string Model { get; }

    public int LicenseChannels { get; private set; }

    public string? CertificateFingerprint { get; }

    /// <summary>Licenses moved here from a server this one replaces (replace protected server, docs/product-rules.md).</summary>
    public void MoveLicenses(AgentSettings settings, int channels)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Set(AgentSettings.LicenseChannels, channels.ToString(CultureInfo.InvariantCulture));
        LicenseChannels = channels;
    }

    private static string Remember(AgentSettings settings, string key, string? given, string fallback)
    {
        if (given is not null)
        {
            settings.Set(key, given);
            return given;
        }

        return settings.GetOrAdd(key, () => fallback);
    }
}
