using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Metrics;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Cms.Updates;
using Vigil.Hosting.Transfers;

namespace Vigil.Cms;

/// <summary>
/// The CMS's application layer without its edges: storage, inventory, monitoring rounds, the failover engine and
/// the operator services. The web host adds HTTP, real agent connections and the loops that drive the rounds;
/// the deterministic simulation adds simulated agents and drives the rounds itself under a fake clock.
/// </summary>
internal static class CmsServices
{
    public static IServiceCollection AddCmsCore(this IServiceCollection services, CmsOptions options, TimeProvider time)
    {
        services.AddSingleton<ServerDirectory>();
        services.AddSingleton<ServerWriteInterceptor>();
        // Pooled: the CMS opens a context for every probe round's writes, engine step, operator command and request;
        // a pooled one is reset (its change tracker cleared) instead of rebuilt with its options and services each time.
        services.AddDbContextPool<CmsDbContext>((provider, o) =>
        {
            CmsDatabase.Configure(o, options.DataDirectory, options.Postgres);
            o.AddInterceptors(provider.GetRequiredService<ServerWriteInterceptor>());
        });
        services.AddSingleton(time);
        services.AddSingleton(options);
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<CameraSecrets>();
        services.AddSingleton<SettingsStore>();
        // The web host registers its registry first (it serves it on /metrics); the simulation gets one of its own.
        services.TryAddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.AddSingleton<CmsMetrics>();
        services.AddSingleton<HealthBoard>();
        services.AddSingleton<ClockBoard>();
        services.AddSingleton<CmsStalls>();
        services.AddSingleton<CmsSelfHealth>();
        services.AddSingleton<InventoryLock>();
        services.AddSingleton<LeaderEpochs>();
        services.AddSingleton<FailoverLedger>();
        services.AddSingleton<ProbeRound>();
        services.AddSingleton<FailoverEngine>();
        services.AddScoped<Sessions>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<GroupService>();
        services.AddScoped<ServerAdmission>();
        services.AddScoped<ServerService>();
        services.AddScoped<AgentPasswords>();
        services.AddScoped<ServerCameras>();
        services.AddScoped<ServerViews>();
        services.AddScoped<UpdateViews>();
        services.AddScoped<FailoverCommands>();
        services.AddScoped<FailoverViews>();
        services.AddScoped<FootageRestorer>();
        services.AddSingleton<RestoreBoard>();
        services.AddSingleton(sp => new RestoreBandwidth(
            () => sp.GetRequiredService<SettingsStore>().Failover.RestoreBandwidthBytesPerSecond, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
