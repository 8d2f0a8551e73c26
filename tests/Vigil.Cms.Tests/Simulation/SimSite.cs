using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Vigil.Cms.Agents;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Leadership;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Tests.Simulation;

/// <summary>
/// A whole site in one process under one fake clock: the real CMS application layer (monitor round, failover
/// engine, ledger, steps, restorer, operator services) on a real SQLite database, and simulated agents. Nothing
/// runs on its own: <see cref="TickAsync"/> moves the clock one probe interval, lets every agent record, runs a
/// probe round, an engine round and every step that is due, in a fixed order, so a run is a function of its inputs.
/// The CMS's stall sampler ticks once per tick, just before the probes, so the CMS is on time unless <see cref="CmsStalled"/>.
/// </summary>
internal sealed class SimSite : IAsyncDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly ServiceProvider _services;
    private readonly string _root;

    private SimSite(ServiceProvider services, string root, FakeTimeProvider time, SimConnections agents)
    {
        _services = services;
        _root = root;
        Time = time;
        Agents = agents;
    }

    public FakeTimeProvider Time { get; }

    public SimConnections Agents { get; }

    public int Ticks { get; private set; }

    public Caller Operator { get; private set; } = null!;

    public Dictionary<int, SimAgent> ById { get; } = [];

    public int DefaultGroup { get; private set; }

    public FailoverLedger Ledger => _services.GetRequiredService<FailoverLedger>();

    public HealthBoard Board => _services.GetRequiredService<HealthBoard>();

    public ProbeRound Probes => _services.GetRequiredService<ProbeRound>();

    public FailoverEngine Engine => _services.GetRequiredService<FailoverEngine>();

    public ServerDirectory ServerDirectory => _services.GetRequiredService<ServerDirectory>();

    /// <summary>Every warning and error the CMS logged, as an operator's log file would hold them.</summary>
    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    /// <summary>The CMS itself stalls (paused, starved of CPU): its stall sampler stops ticking until this is false again.</summary>
    public bool CmsStalled { get; set; }

    private static byte[]? _migrated;

    public static async Task<SimSite> StartAsync(Func<SettingsView, SettingsView>? tune = null)
    {
        // A real SQLite file, on a memory file system where there is one: every commit's fsync is then nearly free.
        var root = Directory.Exists("/dev/shm")
            ? Directory.CreateDirectory(Path.Combine("/dev/shm", $"vigil-sim-{Guid.NewGuid():N}")).FullName
            : Directory.CreateTempSubdirectory("vigil-sim-").FullName;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var agents = new SimConnections();
        var services = new ServiceCollection();
        // Only what an operator is warned of: the many schedules of the simulation need not format every information line.
        services.AddLogging(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Warning));
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var options = new CmsOptions(root, ["http://127.0.0.1:0"], null, "sim");
        services.AddCmsCore(options, time);
        services.AddLeadership(options, fingerprint: null);
        services.AddSingleton<IAgentConnections>(agents);
        var provider = services.BuildServiceProvider();
        var site = new SimSite(provider, root, time, agents);
        await MigrateAsync(provider, root);
        await LeadershipServices.BeginLoneHostAsync(provider, time, CancellationToken.None);
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            await GroupService.EnsureDefaultAsync(db, time, CancellationToken.None);
            site.DefaultGroup = (await db.Groups.SingleAsync()).Id;
            var user = new UserRow { Name = "admin", PasswordHash = "-", IsFirstAdmin = true, Role = UserRoles.Administrator, CreatedAt = time.GetUtcNow() };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            var session = new SessionRow
            {
                TokenHash = "sim", UserId = user.Id, CreatedAt = time.GetUtcNow(), ExpiresAt = time.GetUtcNow().AddYears(1),
                ReauthenticatedUntil = time.GetUtcNow().AddYears(1),
            };
            db.Sessions.Add(session);
            await db.SaveChangesAsync();
            site.Operator = new Caller(user.Id, user.Name, session.Id, user.Role);
        }

        var settings = provider.GetRequiredService<SettingsStore>();
        await settings.LoadAsync(CancellationToken.None);
        var view = settings.View with { StabilisationSeconds = 3, StandbyMinimumFreeBytes = 0 };
        await settings.SaveAsync(tune is null ? view : tune(view), site.Operator, CancellationToken.None);
        provider.GetRequiredService<HealthBoard>().Apply(settings.Failover);
        await provider.GetRequiredService<FailoverEngine>().ResumeAsync(CancellationToken.None);
        return site;
    }

    /// <summary>
    /// Migrates the site's database. Thousands of schedules each start a site, so the first migrated database is kept
    /// in memory (checkpointed into its one file) and each later site starts from a copy of it.
    /// </summary>
    private static async Task MigrateAsync(IServiceProvider provider, string root)
    {
        var file = Path.Combine(root, CmsDatabase.SqliteFileName);
        if (_migrated is { } template)
        {
            await File.WriteAllBytesAsync(file, template);
            return;
        }

        await CmsDatabase.MigrateAsync(provider, CancellationToken.None);
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CmsDbContext>().Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        _migrated = await File.ReadAllBytesAsync(file);
    }

    public async Task<int> AddGroupAsync(string name)
    {
        await using var scope = _services.CreateAsyncScope();
        var view = await scope.ServiceProvider.GetRequiredService<GroupService>().AddAsync(new GroupRequest(name), Operator, CancellationToken.None);
        return view.Id;
    }

    /// <summary>Adds a managed server and its simulated agent, as an operator's add would leave it.</summary>
    public async Task<SimAgent> AddServerAsync(string name, bool standby, int group, int cameras = 0)
    {
        var serial = $"SIM-{name}";
        var agent = new SimAgent(name, serial, standby, licenseChannels: 8,
            Enumerable.Range(1, cameras).Select(c => new CameraConfig($"{name}-cam-{c}", $"{name} camera {c}", $"rtsp://cameras.invalid/{name}/{c}")).ToList(),
            Time);
        Agents.BySerial[serial] = agent;
        agent.Peers = address => Agents.BySerial.Values.FirstOrDefault(a => address.Contains($"//{a.Name}.sim.invalid:", StringComparison.OrdinalIgnoreCase));
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var priority = await db.Servers.Where(s => s.GroupId == group).Select(s => (int?)s.Priority).MaxAsync() ?? 0;
        var row = new ServerRow
        {
            Name = name, Role = standby ? AgentInventory.StandbyRole : AgentInventory.RecordingRole, Enabled = true, GroupId = group, Priority = priority + 1,
            Host = $"{name}.sim.invalid", Port = 1, Https = false, ProtectedCredential = "-", Serial = serial, AgentName = name, Model = "SIM-1",
            AgentVersion = "0", SpacesJson = "[]", CamerasJson = "[]", CreatedAt = Time.GetUtcNow(),
        };
        AgentInventory.Apply(row, await agent.InfoAsync(CancellationToken.None), Time.GetUtcNow(), _services.GetRequiredService<CameraSecrets>());
        db.Servers.Add(row);
        await db.SaveChangesAsync();
        ById[row.Id] = agent;
        return agent;
    }

    /// <summary>One probe interval: agents record, a probe round (with its inventory copies), an engine round, every due step.</summary>
    public async Task TickAsync()
    {
        Time.Advance(Tick);
        Ticks++;
        if (!CmsStalled)
        {
            _services.GetRequiredService<CmsStalls>().Tick();
        }
        foreach (var agent in Agents.BySerial.Values)
        {
            agent.Tick();
        }

        await Task.WhenAll(await Probes.RunAsync(CancellationToken.None));
        var engine = Engine;
        await engine.RoundAsync(CancellationToken.None);
        var steps = engine.DueSteps([]);
        foreach (var id in steps)
        {
            await engine.RunStepAsync(id, CancellationToken.None);
        }

        foreach (var (episode, standby) in engine.DueReleases())
        {
            await engine.ReleaseFormerAsync(episode, standby, CancellationToken.None);
        }

        // A transition wakes the engine at once in production; here the next round runs in the same tick.
        if (steps.Count > 0)
        {
            await engine.RoundAsync(CancellationToken.None);
        }
    }

    /// <summary>Runs an operator command through the CMS's real service; a refusal is an answer, not a failure.</summary>
    public async Task<string> OperateAsync<TService>(Func<TService, Task> command)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        try
        {
            await command(scope.ServiceProvider.GetRequiredService<TService>());
            return "done";
        }
        catch (RefusedException e)
        {
            return $"refused ({e.Rule})";
        }
    }

    public async Task<T> ReadAsync<T>(Func<CmsDbContext, Task<T>> query)
    {
        await using var scope = _services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CmsDbContext>());
    }

    public Task<List<EpisodeRow>> EpisodesAsync() => ReadAsync(db => db.Episodes.AsNoTracking().OrderBy(e => e.Id).ToListAsync());

    /// <summary>Whether the CMS, as it sees the group now, has a standby ready to take a server over.</summary>
    public async Task<bool> HasReadyStandbyAsync(int group)
    {
        await using var scope = _services.CreateAsyncScope();
        var servers = await scope.ServiceProvider.GetRequiredService<ServerViews>().ListAsync("normal_ready", ServerRoleName.Standby, group, CancellationToken.None);
        return servers.Servers.Count > 0;
    }

    public Task<List<ServerRow>> ServersAsync() => ReadAsync(db => db.Servers.AsNoTracking().OrderBy(s => s.Id).ToListAsync());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    public static FailoverEpisode ToDomain(EpisodeRow row) => EpisodeRecords.ToDomain(row);
}
