using Vigil.Testing;
using Vigil.Testing.Network;

namespace Vigil.Cms.Tests.Discovery;

/// <summary>
/// A site on a LAN of its own (<see cref="IsolatedLan"/>): a CMS in host 1 on that host's loopback, and agents in the
/// other hosts on their LAN address, each a real <c>vigil</c> process. Everything it started goes on dispose, the
/// processes first, then the namespaces, and also when starting it failed half-way.
/// </summary>
public sealed class LanSite : IAsyncDisposable
{
    public const string CmsPassword = "lan-cms-password";
    public const string AgentPassword = "lan-agent-password";
    public const int CmsHost = 1;

    private readonly List<VigilProcess> _processes = [];

    private LanSite(IsolatedLan lan, string root)
    {
        Lan = lan;
        Root = root;
    }

    public IsolatedLan Lan { get; }

    public string Root { get; }

    /// <summary>The CMS's address inside host 1 (its loopback).</summary>
    public static Uri CmsUrl { get; } = new("http://127.0.0.1:7180/");

    public static async Task<LanSite> StartAsync(int agents)
    {
        var lan = await IsolatedLan.CreateAsync(agents + 1);
        var site = new LanSite(lan, Directory.CreateTempSubdirectory("vigil-lan-").FullName);
        try
        {
            site.Track(await lan.StartVigilAsync(CmsHost, ["cms", "--data", Path.Combine(site.Root, "cms"), "--urls", CmsUrl.ToString().TrimEnd('/')],
                new Dictionary<string, string?> { ["VIGIL_ADMIN_PASSWORD"] = CmsPassword }));
            return site;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    /// <summary>Host of agent <paramref name="n"/> (agents are hosts 2, 3, …).</summary>
    public static int AgentHost(int n) => n + 1;

    /// <summary>Starts agent <paramref name="n"/> on https://ITS-ADDRESS:7101; answers it (its output has its fingerprint).</summary>
    public async Task<VigilProcess> StartAgentAsync(int n, string name, params string[] extra)
    {
        var host = AgentHost(n);
        return Track(await Lan.StartVigilAsync(host,
            ["agent", "--data", Path.Combine(Root, name), "--urls", $"https://{Lan.Address(host)}:7101", "--name", name, .. extra],
            new Dictionary<string, string?> { ["VIGIL_ADMIN_PASSWORD"] = AgentPassword }));
    }

    /// <summary>curl inside the CMS's host (the test's own namespace cannot reach the LAN): answers the status code and the body.</summary>
    public async Task<(int Status, string Body)> CurlAsync(params string[] arguments)
    {
        var (exit, output, error) = await IsolatedLan.RunAsync(
            [.. Lan.Inside(CmsHost), "curl", "-sk", "--max-time", "20", "-w", "\n%{http_code}", .. arguments], TimeSpan.FromSeconds(30));
        exit.ShouldBe(0, $"curl {string.Join(' ', arguments)}: {error}");
        var split = output.LastIndexOf('\n');
        return (int.Parse(output[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture), output[..split]);
    }

    public static string FingerprintOf(VigilProcess agent) =>
        agent.Find(@"TLS certificate SHA-256 fingerprint: (\S+)") ?? throw new InvalidOperationException($"{agent.Description} printed no fingerprint:\n{agent.Output}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var process in _processes)
            {
                await process.DisposeAsync();
            }
        }
        finally
        {
            await Lan.DisposeAsync();
            Directory.Delete(Root, recursive: true);
        }
    }

    private VigilProcess Track(VigilProcess process)
    {
        _processes.Add(process);
        return process;
    }
}
