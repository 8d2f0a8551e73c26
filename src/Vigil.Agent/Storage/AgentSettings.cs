using System.Globalization;

namespace Vigil.Agent.Storage;

/// <summary>Small named values the agent keeps: identity, admin password hash, the highest epoch obeyed, the highest CMS leader term seen.</summary>
public sealed class AgentSettings(AgentDatabase database)
{
    public const string Serial = "serial";
    public const string Name = "name";
    public const string Model = "model";
    public const string LicenseChannels = "license_channels";
    public const string AdminPasswordHash = "admin_password_hash";
    public const string HighestEpoch = "highest_epoch";
    public const string HighestLeaderTerm = "highest_leader_term";

    public string? Get(string key)
    {
        using var connection = database.Open();
        return connection.Query("SELECT value FROM settings WHERE key = $key", r => r.GetString(0), ("$key", key)).FirstOrDefault();
    }

    public void Set(string key, string value)
    {
        using var connection = database.Open();
        connection.Execute("INSERT INTO settings(key, value) VALUES($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            ("$key", key), ("$value", value));
    }

    public long GetLong(string key) => long.Parse(Get(key) ?? "0", CultureInfo.InvariantCulture);

    /// <summary>Keeps <paramref name="value"/> only when none is stored yet; returns the stored one.</summary>
    public string GetOrAdd(string key, Func<string> value)
    {
        var existing = Get(key);
        if (existing is not null)
        {
            return existing;
        }

        using var connection = database.Open();
        connection.Execute("INSERT OR IGNORE INTO settings(key, value) VALUES($key, $value)", ("$key", key), ("$value", value()));
        return Get(key)!;
    }
}
