using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// Real agents the CMS under test pairs with: two recording servers (one camera each, 16 license
/// channels), two standbys (empty, 16 and 4 channels) and one more standby-shaped agent over https.
/// Agents accept any number of pairings, so every test starts its own CMS against the same agents.
/// </summary>
public sealed class AgentsFixture : IAsyncLifetime
{
    public const string Password = "agent-admin-password";

    private readonly List<VigilProcess> _agents = [];
    private string _root = string.Empty;

    public VigilProcess Recording1 { get; private set; } = null!;

    public VigilProcess Recording2 { get; private set; } = null!;

    public VigilProcess Standby1 { get; private set; } = null!;

    public VigilProcess SmallStandby { get; private set; } = null!;

    public VigilProcess SecureStandby { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("vigil-cms-agents-").FullName;
        var started = await Task.WhenAll(
            StartAsync("rec-a", "http", "--camera", "cam1=http://127.0.0.1:9/none"),
            StartAsync("rec-b", "http", "--camera", "cam1=http://127.0.0.1:9/none"),
            StartAsync("standby-a", "http"),
            StartAsync("standby-small", "http", "--license-channels", "4"),
            StartAsync("standby-tls", "https"));
        (Recording1, Recording2, Standby1, SmallStandby, SecureStandby) = (started[0], started[1], started[2], started[3], started[4]);
    }

    public static AddServerRequest Add(VigilProcess agent, ServerRoleName role, int group = 1, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var https = agent.BaseUrl.Scheme == "https";
        return new AddServerRequest(group, role, agent.BaseUrl.Host, agent.BaseUrl.Port, https, Password, name, https ? PrintedFingerprint(agent) : null);
    }

    /// <summary>The certificate fingerprint an https agent printed at start: what the operator confirms before adding it.</summary>
    public static string PrintedFingerprint(VigilProcess agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return agent.Find(@"fingerprint: (\S+)") ?? throw new InvalidOperationException($"{agent.Description} printed no certificate fingerprint.");
    }

    public static ServerAddress Address(VigilProcess agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new ServerAddress(agent.BaseUrl.Host, agent.BaseUrl.Port, agent.BaseUrl.Scheme == "https");
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    private async Task<VigilProcess> StartAsync(string name, string scheme, params string[] extra)
    {
        var data = Path.Combine(_root, name);
        var agent = await VigilProcess.StartAsync(
            ["agent", "--data", data, "--urls", $"{scheme}://127.0.0.1:0", "--name", name, "--space", Path.Combine(data, "space1"), .. extra],
            new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = Password });
        lock (_agents)
        {
            _agents.Add(agent);
        }

        return agent;
    }
}
