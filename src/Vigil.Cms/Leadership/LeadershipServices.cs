using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Cms.Alerts;
using Vigil.Cms.Drills;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Leadership;

internal static class LeadershipServices
{
    /// <summary>
    /// Who leads: on SQLite this lone host, from its start; on PostgreSQL the holder of the lease, which
    /// <see cref="LeaseKeeper"/> takes and renews. Registered before the host announces that it listens, so the
    /// announcement comes after the first try at the lease.
    /// </summary>
    /// <param name="fingerprint">The fingerprint of the certificate this host serves TLS with; null over plain http.</param>
    public static IServiceCollection AddLeadership(this IServiceCollection services, CmsOptions options, string? fingerprint)
    {
        var me = HostIdentity.LoadOrCreate(options.DataDirectory, options.Name, fingerprint);
        services.AddSingleton<CmsHosts>();
        services.AddSingleton<IReloadedOnLeading>(s => s.GetRequiredService<SettingsStore>());
        services.AddSingleton<IReloadedOnLeading>(s => s.GetRequiredService<AlertSettingsStore>());
        services.AddSingleton<IReloadedOnLeading>(s => s.GetRequiredService<DrillSettingsStore>());
        // On SQLite too: a second process on the same database would lead as well.
        services.AddSingleton(HostIdentity.LockDataDirectory(options.DataDirectory, sqlite: options.Postgres is null));
        if (options.Postgres is null)
        {
            // Its term begins once the database is ready (BeginLoneHostAsync), before the host starts.
            services.AddSingleton(new HostLeadership(me, CmsHostsView.SingleHost));
            return services;
        }

        services.AddSingleton(new HostLeadership(me, CmsHostsView.Lease));
        services.AddSingleton(LeaseTerms.Default);
        services.AddSingleton<ILeaseStore>(s => new PostgresLeaseStore(options.Postgres, s.GetRequiredService<LeaseTerms>()));
        services.AddSingleton<LeaderForwarder>();
        services.AddHostedService<LeaseKeeper>();
        return services;
    }

    /// <summary>On SQLite: this lone host leads from now on, under a term above its previous start's.</summary>
    public static async Task BeginLoneHostAsync(IServiceProvider services, TimeProvider time, CancellationToken cancellationToken)
    {
        var leadership = services.GetRequiredService<HostLeadership>();
        if (leadership.Mode != CmsHostsView.SingleHost)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var term = await LoneHostTerm.NextAsync(scope.ServiceProvider.GetRequiredService<CmsDbContext>(), time, cancellationToken).ConfigureAwait(false);
        leadership.Begin(LeaderTerm.Unending(term, time.GetUtcNow(), time));
    }

    /// <summary>Runs <typeparamref name="T"/> only while this host leads (see <see cref="LeaderOnlyService"/>).</summary>
    public static IServiceCollection AddLeaderOnly<T>(this IServiceCollection services)
        where T : BackgroundService =>
        // Not AddHostedService: it adds one service per implementation type, and every wrapper has the same type.
        services.AddSingleton<IHostedService>(s => new LeaderOnlyService(s.GetService<T>() ?? ActivatorUtilities.CreateInstance<T>(s), s.GetRequiredService<HostLeadership>()));
}
