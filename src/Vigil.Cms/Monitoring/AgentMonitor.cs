using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Agents;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Domain.Health;

namespace Vigil.Cms.Monitoring;

/// <summary>
/// Probes every enabled agent once per probe interval (each probe bounded by the probe timeout) and
/// feeds the <see cref="HealthBoard"/>; every <see cref="SyncInterval"/> it also copies each reachable
/// agent's info and cameras into the database, so the CMS still has them when the server dies.
/// </summary>
public sealed partial class AgentMonitor(
    IServiceScopeFactory scopes,
    AgentClients clients,
    HealthBoard board,
    SettingsStore settings,
    TimeProvider time,
    ILogger<AgentMonitor> logger) : BackgroundService
{
    public static TimeSpan SyncInterval { get; } = TimeSpan.FromSeconds(10);

    private readonly Dictionary<int, DateTimeOffset> _lastSync = [];
    private readonly Dictionary<int, Task> _syncs = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        settings.Changed += board.Apply;
        board.Apply(settings.Failover);
        while (!stoppingToken.IsCancellationRequested)
        {
            var round = ProbeRoundAsync(stoppingToken);
            try
            {
                await Task.Delay(settings.Failover.ProbeInterval, time, stoppingToken).ConfigureAwait(false);
                await round.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ProbeRoundAsync(CancellationToken stoppingToken)
    {
        List<ServerRow> servers;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            servers = await db.Servers.AsNoTracking().ToListAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDatabaseUnavailable(logger, e);
            return;
        }

        StartDueSyncs(servers, stoppingToken);
        var changes = await Task.WhenAll(servers.Where(s => s.Enabled).Select(s => ProbeAsync(s, stoppingToken))).ConfigureAwait(false);
        board.EndRound(changes.Contains(true));
    }

    /// <summary>Syncs run beside the probe rounds: a slow agent must not hold up the next second's probes.</summary>
    private void StartDueSyncs(List<ServerRow> servers, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        foreach (var gone in _lastSync.Keys.Except(servers.Select(s => s.Id)).ToList())
        {
            _lastSync.Remove(gone);
            _syncs.Remove(gone);
        }

        foreach (var server in servers)
        {
            var running = _syncs.TryGetValue(server.Id, out var sync) && !sync.IsCompleted;
            var due = !_lastSync.TryGetValue(server.Id, out var last) || now - last >= SyncInterval;
            if (!running && due)
            {
                _lastSync[server.Id] = now;
                _syncs[server.Id] = SyncAsync(server, stoppingToken);
            }
        }
    }

    /// <summary>Probes one agent; true when the probe changed its health.</summary>
    private async Task<bool> ProbeAsync(ServerRow server, CancellationToken stoppingToken)
    {
        ProbeResult result;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(settings.Failover.ProbeTimeout);
        try
        {
            result = ProbeClassifier.Classify(await clients.For(server).HealthAsync(timeout.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            result = ProbeResult.Unreachable;
        }
        catch (AgentCallException e)
        {
            result = new ProbeResult(ProbeOutcome.Unreachable, e.Message);
        }

        if (board.Observe(server.Id, result) is not { } change)
        {
            return false;
        }

        LogHealthChanged(logger, server.Name, change.From, change.To, change.Reason);
        await RecordAsync(server, change, stoppingToken).ConfigureAwait(false);
        return true;
    }

    private async Task RecordAsync(ServerRow server, HealthChange change, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            db.Events.Add(EventLog.Health(server.Id, server.Name, Name(change.From), Name(change.To), change.Reason, change.At));
            await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDatabaseUnavailable(logger, e);
        }
    }

    private static string Name(HealthState state) => state.ToString().ToLowerInvariant();

    private async Task SyncAsync(ServerRow server, CancellationToken stoppingToken)
    {
        try
        {
            var info = await clients.For(server).InfoAsync(stoppingToken).ConfigureAwait(false);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var row = await db.Servers.FirstOrDefaultAsync(s => s.Id == server.Id, stoppingToken).ConfigureAwait(false);
            if (row is null)
            {
                return;
            }

            if (!string.Equals(info.Serial, row.Serial, StringComparison.Ordinal))
            {
                LogDifferentAgent(logger, row.Name, row.Serial, info.Serial);
                return;
            }

            AgentInventory.Apply(row, info, time.GetUtcNow());
            await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            LogSyncFailed(logger, server.Name, e.Message);
        }
        catch (Exception e) when (e is not (OperationCanceledException or AgentCallException))
        {
            LogDatabaseUnavailable(logger, e);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Health of {Server}: {From} -> {To} ({Reason})")]
    private static partial void LogHealthChanged(ILogger logger, string server, HealthState from, HealthState to, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Inventory of {Server} not refreshed: {Reason}")]
    private static partial void LogSyncFailed(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "The agent at the address of {Server} has serial {Found}, not {Expected}; its inventory is not copied")]
    private static partial void LogDifferentAgent(ILogger logger, string server, string expected, string found);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "The database could not be read or written during monitoring")]
    private static partial void LogDatabaseUnavailable(ILogger logger, Exception exception);
}
