using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Failover;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Domain.Drills;

namespace Vigil.Cms.Drills;

/// <summary>
/// The drill settings (thresholds, hold time, schedule): their own document in the settings table, beside the failover
/// settings, so a client that replaces the failover settings never resets them. Held in memory for the drill loop;
/// <see cref="Changed"/> tells it to look at the schedule again.
/// </summary>
internal sealed class DrillSettingsStore(IServiceScopeFactory scopes, TimeProvider time) : Leadership.IReloadedOnLeading
{
    private const string Key = "drills";
    private volatile DrillSettings _current = DrillSettings.Default;

    public event Action? Changed;

    public DrillSettings Current => _current;

    public DrillSettingsView View => ToView(_current);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var stored = await SettingsDocuments.ReadAsync(db, Key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return;
        }

        var (settings, refusals) = FromView(JsonSerializer.Deserialize<DrillSettingsView>(stored, ContractJson.Options)!);
        _current = refusals.Count == 0
            ? settings
            : throw new InvalidOperationException($"The stored drill settings are not valid: {string.Join(" ", refusals.Select(r => r.Message))}");
    }

    public async Task<DrillSettingsView> SaveAsync(DrillSettingsView view, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        var (settings, refusals) = FromView(view);
        if (refusals.Count > 0)
        {
            throw RefusedException.WithAll(refusals);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var json = JsonSerializer.Serialize(ToView(settings), ContractJson.Options);
        await SettingsDocuments.PutAsync(db, Key, json, cancellationToken).ConfigureAwait(false);

        db.Events.Add(EventLog.Operator(null, string.Empty, "change drill settings", json, actor, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _current = settings;
        Changed?.Invoke();
        return View;
    }

    public static DrillSettingsView ToView(DrillSettings settings) => new(
        (int)settings.Hold.TotalSeconds,
        settings.MaxTakeover.TotalSeconds,
        settings.MaxGap.TotalSeconds,
        settings.Schedule.ToString(),
        settings.ScheduledServers.Select(s => s.Value).ToList());

    public static (DrillSettings Settings, IReadOnlyList<Refusal> Refusals) FromView(DrillSettingsView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var (schedule, scheduleRefusal) = DrillSchedule.Parse(view.Schedule);
        var settings = new DrillSettings
        {
            Hold = TimeSpan.FromSeconds(view.HoldSeconds),
            MaxTakeover = TimeSpan.FromSeconds(view.MaxTakeoverSeconds),
            MaxGap = TimeSpan.FromSeconds(view.MaxGapSeconds),
            Schedule = schedule ?? DrillSchedule.Off,
            ScheduledServers = (view.ScheduledServers ?? []).Distinct().Select(id => new ServerId(id)).ToList(),
        };
        var refusals = new List<Refusal>(settings.Validate());
        if (scheduleRefusal is not null)
        {
            refusals.Add(scheduleRefusal);
        }

        return (settings, refusals);
    }
}
