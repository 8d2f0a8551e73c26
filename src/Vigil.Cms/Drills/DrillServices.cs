using Microsoft.Extensions.DependencyInjection;

using Vigil.Cms.Leadership;

namespace Vigil.Cms.Drills;

/// <summary>Failover drills in the web host: their settings, the runner that carries each drill, and the schedule's loop.</summary>
internal static class DrillServices
{
    public static IServiceCollection AddDrills(this IServiceCollection services)
    {
        services.AddSingleton<DrillSettingsStore>();
        services.AddSingleton<DrillRunner>();
        services.AddScoped<DrillCommands>();
        services.AddScoped<DrillViews>();
        services.AddLeaderOnly<DrillLoop>();
        return services;
    }
}
