using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Vigil.Hosting.Metrics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus' text format, from the host's own registry (one per host, so two hosts in
/// one process never mix their figures). Readable with the scrape token or with the server's own credentials.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public const string PolicyName = "scrape";

    /// <summary>Registers the registry, the token and the scheme; <paramref name="ownScheme"/> is the host's usual sign-in.</summary>
    public static IServiceCollection AddVigilMetrics(this IServiceCollection services, ScrapeToken token, string ownScheme)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        // Process figures (CPU seconds, memory, open files, threads): what an operator checks first on a busy server.
        DotNetStats.Register(registry);
        services.AddSingleton(registry);
        services.AddSingleton(token);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ScrapeTokenAuthentication>(ScrapeTokenAuthentication.SchemeName, null);
        services.Configure<AuthorizationOptions>(o => o.AddPolicy(PolicyName, p => p
            .AddAuthenticationSchemes(ownScheme, ScrapeTokenAuthentication.SchemeName)
            .RequireAuthenticatedUser()));
        return services;
    }

    public static IEndpointConventionBuilder MapVigilMetrics(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapMetrics(Path, app.ServiceProvider.GetRequiredService<CollectorRegistry>()).RequireAuthorization(PolicyName);
    }
}
