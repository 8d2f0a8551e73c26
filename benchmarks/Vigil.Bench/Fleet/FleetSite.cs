using System.Diagnostics;
using System.Globalization;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Bench.Fleet;

/// <summary>
/// A fleet of virtual agents (<see cref="FleetShards"/>) and a real CMS that manages its servers, spread evenly over failover groups of at
/// most <see cref="ServersPerGroup"/> (QNAP's default), the group limit raised when the fleet needs more
/// groups. Adding stops when its time budget runs out or the CMS does not answer a batch in time: the
/// CMS then manages only some of the fleet.
/// Disposing stops both, even after a failure.
/// </summary>
public sealed class FleetSite : IAsyncDisposable
{
    public const int ServersPerGroup = 64;

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _groups = new(StringComparer.Ordinal);
    private readonly List<double> _batchSeconds = [];

    private FleetSite(FleetShards fleet) => Fleet = fleet;

    public FleetShards Fleet { get; }

    public BenchCms Cms { get; private set; } = null!;

    /// <summary>How long adding the servers to the CMS took.</summary>
    public TimeSpan AddTook { get; private set; }

    public int GroupCount { get; private set; }

    /// <summary>How long each batch add took, in seconds.</summary>
    public IReadOnlyList<double> BatchSeconds => _batchSeconds;

    /// <summary>Why adding stopped before every server was added; null when all were.</summary>
    public string? AddCutShort { get; private set; }

    /// <summary>The servers the CMS confirmed it added: all of them unless adding was cut short.</summary>
    public IReadOnlyList<FleetMember> Managed => Fleet.Servers.Where(s => _ids.ContainsKey(s.Name)).ToList();

    public static async Task<FleetSite> StartAsync(int recording, int standby, TimeSpan addBudget, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var site = new FleetSite(await FleetShards.StartAsync(recording, standby, cancellationToken));
        try
        {
            site.Cms = await BenchCms.StartAsync(cancellationToken);
            await site.AddEverythingAsync(addBudget, log, cancellationToken);
            return site;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    /// <summary>The CMS's id of a virtual server.</summary>
    public int IdOf(FleetMember server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return _ids[server.Name];
    }

    /// <summary>The CMS's id of the failover group a managed server was added to.</summary>
    public int GroupOf(FleetMember server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return _groups[server.Name];
    }

    /// <summary>
    /// Waits until the CMS shows every recording server of the fleet protected and every standby ready: null then; else, after
    /// <paramref name="deadline"/>, what it showed last.
    /// </summary>
    public async Task<string?> AllProtectedAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var (recording, standbys) = (Fleet.Recording.Count(), Fleet.Standbys.Count());
        StatusSummary? last = null;
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                last = await Cms.StatusAsync(cancellationToken);
                return last.Recording.GetValueOrDefault("normal_protected") == recording && last.Standby.GetValueOrDefault("normal_ready") == standbys;
            }, deadline, "every recording server to be normal_protected and every standby normal_ready");
            return null;
        }
        catch (TimeoutException)
        {
            return last is null
                ? "no answer to its status"
                : string.Create(CultureInfo.InvariantCulture, $"{last.Recording.GetValueOrDefault("normal_protected")} of {recording} recording servers protected, {last.Standby.GetValueOrDefault("normal_ready")} of {standbys} standbys ready, CMS {(last.Cms.Overloaded ? "overloaded" : "not overloaded")}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Cms is not null)
            {
                await Cms.DisposeAsync();
            }
        }
        finally
        {
            await Fleet.DisposeAsync();
        }
    }

    private async Task AddEverythingAsync(TimeSpan budget, TextWriter log, CancellationToken cancellationToken)
    {
        var recording = Fleet.Recording.ToList();
        var standbys = Fleet.Standbys.ToList();
        GroupCount = GroupsFor(recording.Count, standbys.Count);
        var settings = await Cms.SettingsAsync(cancellationToken);
        if (settings.MaxGroups < GroupCount)
        {
            await Cms.SaveSettingsAsync(settings with { MaxGroups = GroupCount }, cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        using var withinBudget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        withinBudget.CancelAfter(budget);
        var defaultGroup = (await Cms.GroupsAsync(cancellationToken)).Single(g => g.IsDefault).Id;
        try
        {
            for (var g = 0; g < GroupCount; g++)
            {
                var group = g == 0 ? defaultGroup : await Cms.AddGroupAsync(string.Create(CultureInfo.InvariantCulture, $"Fleet group {g + 1}"), withinBudget.Token);
                await AddAsync(group, ServerRoleName.Recording, Share(recording, g), withinBudget.Token);
                await AddAsync(group, ServerRoleName.Standby, Share(standbys, g), withinBudget.Token);
                if ((g + 1) % 16 == 0 && g + 1 < GroupCount)
                {
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    added {_ids.Count} servers in {clock.Elapsed.TotalSeconds:0} s"));
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            AddCutShort = string.Create(CultureInfo.InvariantCulture, $"the {budget.TotalMinutes:0.#} min budget for adding ran out");
        }
        catch (TimeoutException e)
        {
            AddCutShort = e.Message;
        }

        AddTook = clock.Elapsed;
        if (AddCutShort is not null)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    stopped adding after {AddTook.TotalSeconds:0} s with {_ids.Count} of {Fleet.Servers.Count} servers: {AddCutShort}"));
        }
    }

    /// <summary>The fewest groups whose largest shares of recording servers and of standbys fit in one group together.</summary>
    private static int GroupsFor(int recording, int standby)
    {
        var groups = Math.Max(1, (int)Math.Ceiling((recording + standby) / (double)ServersPerGroup));
        while (Largest(recording, groups) + Largest(standby, groups) > ServersPerGroup)
        {
            groups++;
        }

        return groups;

        static int Largest(int count, int groups) => (int)Math.Ceiling(count / (double)groups);
    }

    /// <summary>Group <paramref name="group"/>'s even share of <paramref name="servers"/>.</summary>
    private List<FleetMember> Share(List<FleetMember> servers, int group) =>
        servers.Take((group + 1) * servers.Count / GroupCount).Skip(group * servers.Count / GroupCount).ToList();

    private async Task AddAsync(int group, ServerRoleName role, List<FleetMember> servers, CancellationToken cancellationToken)
    {
        if (servers.Count == 0)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        var ids = await Cms.AddBatchAsync(group, role, servers.Select(FleetShards.AddressOf).ToList(), FleetSimulator.AdminPassword, Fleet.Fingerprint, cancellationToken);
        for (var i = 0; i < servers.Count; i++)
        {
            _ids[servers[i].Name] = ids[i];
            _groups[servers[i].Name] = group;
        }

        _batchSeconds.Add(clock.Elapsed.TotalSeconds);
    }
}
