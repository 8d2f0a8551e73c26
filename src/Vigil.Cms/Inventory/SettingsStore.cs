using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Failover;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Inventory;

/// <summary>
/// The failover settings, inventory limits and event-log retention: stored as one document, held in memory for the probe
/// loop, which reads them every round. <see cref="Changed"/> tells the monitor to apply new thresholds.
/// </summary>
public sealed class SettingsStore(IServiceScopeFactory scopes, TimeProvider time) : Leadership.IReloadedOnLeading
{
    private const string Key = "failover";
    private volatile Snapshot _current = new(FailoverSettings.Default, InventoryLimits.Default, EventLogRetention.Default);

    public event Action<FailoverSettings>? Changed;

    public FailoverSettings Failover => _current.Failover;

    public InventoryLimits Limits => _current.Limits;

    public EventLogRetention EventRetention => _current.EventRetention;

    public SettingsView View => SettingsMapping.ToView(Failover, Limits, EventRetention);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var stored = await SettingsDocuments.ReadAsync(db, Key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return;
        }

        var view = JsonSerializer.Deserialize<SettingsView>(stored, ContractJson.Options)!;
        var (settings, limits, retention, refusals) = SettingsMapping.FromView(view);
        if (refusals.Count > 0)
        {
            throw new InvalidOperationException($"The stored failover settings are not valid: {string.Join(" ", refusals.Select(r => r.Message))}");
        }

        _current = new Snapshot(settings, limits, retention);
    }

    /// <summary>
    /// Replaces the settings. Turning "restore recordings" off means failover footage is no longer brought home
    /// but discarded, so it needs the first admin's re-authentication, checked before anything is written.
    /// </summary>
    public async Task<SettingsView> SaveAsync(SettingsView view, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(caller);
        var (settings, limits, retention, refusals) = SettingsMapping.FromView(view);
        if (refusals.Count > 0)
        {
            throw RefusedException.WithAll(refusals);
        }

        await using var scope = scopes.CreateAsyncScope();
        if (Failover.RestoreRecordings && !settings.RestoreRecordings)
        {
            await scope.ServiceProvider.GetRequiredService<Sessions>()
                .RequireReauthenticationAsync(caller, "Turning off the restore of failover recordings", cancellationToken).ConfigureAwait(false);
        }

        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var json = JsonSerializer.Serialize(SettingsMapping.ToView(settings, limits, retention), ContractJson.Options);
        await SettingsDocuments.PutAsync(db, Key, json, cancellationToken).ConfigureAwait(false);

        db.Events.Add(EventLog.Operator(null, string.Empty, "change settings", json, caller.UserName, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _current = new Snapshot(settings, limits, retention);
        Changed?.Invoke(settings);
        return View;
    }

    private sealed record Snapshot(FailoverSettings Failover, InventoryLimits Limits, EventLogRetention EventRetention);
}
