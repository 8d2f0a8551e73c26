using Microsoft.Extensions.DependencyInjection;

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
        services.AddHostedService(s => s.GetRequiredService<UpdateRunner>());
        services.AddScoped<UpdateCommands>();
        return services;
    }
}
