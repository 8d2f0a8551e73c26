using Microsoft.Extensions.DependencyInjection;

using Vigil.Cms.Leadership;

namespace Vigil.Cms.Updates;

internal static class UpdateServices
{
    /// <summary>Agent updates: the trusted keys of <paramref name="options"/>, the package store, the online feed and the runner.</summary>
    public static IServiceCollection AddAgentUpdates(this IServiceCollection services, CmsOptions options)
    {
        services.AddSingleton(TrustedUpdateKeys.FromFile(options.UpdateKeysFile));
        services.AddSingleton<UpdatePackageStore>();
        services.AddSingleton<UpdateSettingsStore>();
        services.AddSingleton<OnlineFeed>();
        services.AddHttpClient(OnlineFeed.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(10));
        services.AddSingleton<UpdateRunner>();
        services.AddLeaderOnly<UpdateRunner>();
        services.AddScoped<UpdateCommands>();
        return services;
    }
}
