using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Agents;
using Vigil.Cms.Alerts;
using Vigil.Cms.Api;
using Vigil.Cms.Discovery;
using Vigil.Cms.Drills;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Leadership;
using Vigil.Cms.Metrics;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Cms.Updates;
using Vigil.Cms.WebConsole;
using Vigil.Contracts;
using Vigil.Hosting;
using Vigil.Hosting.Metrics;

namespace Vigil.Cms;

/// <summary><c>vigil cms</c>: composes the CMS web host, applies migrations and creates first-start state.</summary>
public static class CmsHost
{
    public static async Task<WebApplication> BuildAsync(CmsOptions options, TextWriter console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        if (PlainHttpGuard.Refusal(options.Urls, options.InsecureHttp) is { } refusal)
        {
            throw new ArgumentException(refusal);
        }

        var time = TimeProvider.System;

        // The data directory holds the database, the key ring and the TLS key: its owner's only, corrected at every start.
        PrivateFiles.EnsureTree(options.DataDirectory);
        await console.WriteLineAsync($"CMS state kept in {CmsDatabase.Describe(options.DataDirectory, options.Postgres)}").ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = CmsLimits.MaxRequestBodyBytes);
        string? fingerprint = null;
        if (options.UsesHttps)
        {
            var certificate = options.CertificateFile is { } file
                ? CertificateFile.Load(file, Environment.GetEnvironmentVariable(CertificateFile.PasswordVariable))
                : SelfSignedCertificate.LoadOrCreate(options.DataDirectory, Environment.MachineName, time);
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
            fingerprint = SelfSignedCertificate.Fingerprint(certificate);
            await console.WriteLineAsync($"TLS certificate SHA-256 fingerprint: {fingerprint}").ConfigureAwait(false);
        }

        LogFormat.Configure(builder.Logging, options.LogFormat);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // A failed query surfaces as an exception the CMS reports itself; EF's own log of it would say it twice.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None);

        // The key ring is kept unencrypted on purpose: on SQLite it is the data directory's key, readable by its owner
        // only; on PostgreSQL it is in the database, shared by every CMS host (see SharedKeyRing and docs/security.md).
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("vigil-cms");
        if (options.Postgres is null)
        {
            dataProtection.PersistKeysToFileSystem(KeyRing(options.DataDirectory));
        }
        else
        {
            dataProtection.PersistKeysToDbContext<CmsDbContext>();
        }
        builder.Services.Configure<JsonOptions>(o => ContractJson.Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = RefusalHandler.NameTheRule);
        builder.Services.AddExceptionHandler<RefusalHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddVigilMetrics(ScrapeToken.FromFile(options.MetricsTokenFile), CmsAuthentication.SchemeName);
        builder.Services.AddCmsCore(options, time);
        builder.Services.AddSingleton<CmsStateMetrics>();
        builder.Services.AddSingleton<AgentClients>();
        builder.Services.AddSingleton<IAgentConnections>(s => s.GetRequiredService<AgentClients>());
        builder.Services.AddSingleton<LiveUpdates>();
        builder.Services.AddHostedService<StallSampler>();
        builder.Services.AddLeaderOnly<AgentMonitor>();
        builder.Services.AddLeaderOnly<FailoverLoop>();
        builder.Services.AddLeaderOnly<ProtectionWatch>();
        builder.Services.AddLeaderOnly<EventLogPruner>();
        builder.Services.AddSingleton<AlertSettingsStore>();
        builder.Services.AddSingleton<AlertOutbox>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddLeaderOnly<AlertDispatcher>();
        builder.Services.AddDrills();
        builder.Services.AddAgentUpdates(options);
        builder.Services.AddSingleton<LanSearch>();
        builder.Services.AddScoped<ServerSearch>();

        // Explicit: a background service that cannot go on stops the CMS (only the failover loop's start can: see FailoverLoop).
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost);
        builder.Services.AddLeadership(options, fingerprint);
        builder.Services.AddHostedService(s => ActivatorUtilities.CreateInstance<ListeningAnnouncement>(s, "vigil cms"));
        builder.Services.AddSystemd(); // Under systemd: READY=1 once started (Type=notify), stops on SIGTERM, journal log levels; elsewhere nothing.
        builder.Services.AddAuthentication(CmsAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, CmsAuthentication>(CmsAuthentication.SchemeName, null);
        builder.Services.AddAuthorization(CmsPolicies.Add);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RoleRefusal>();

        // Browsers that reached the CMS over https once keep to https; no includeSubDomains: other hosts under the CMS's name are not its business.
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.ExcludedHosts.Clear();
        });
        builder.Services.AddRateLimiter(limits =>
        {
            // Password guessing through sign-in or re-authentication gets 20 tries a minute per address.
            limits.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limits.AddPolicy(AuthEndpoints.LoginLimit, context => System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) }));
            limits.OnRejected = AuthEndpoints.RefuseTooManyTriesAsync;
        });

        var app = builder.Build();

        // Made once here, so its gauges are computed at every scrape from the first one on.
        app.Services.GetRequiredService<CmsStateMetrics>();
        await InitialiseAsync(app.Services, options, time, console, cancellationToken).ConfigureAwait(false);

        // The key ring's first key and the database files were just created with the process's default mode; the 0700
        // directory already shuts others out, and their own modes are corrected too.
        app.Services.GetRequiredService<SecretProtector>().Protect("key ring ready");
        PrivateFiles.EnsureTree(options.DataDirectory);
        app.UseHsts();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseConsoleAssets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseStandbyGate();
        var secured = app.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Read);
        AuthEndpoints.Map(app, secured);
        GroupEndpoints.Map(secured);
        ServerEndpoints.Map(secured);
        ServerSearchEndpoints.Map(secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Administer));
        AgentPasswordEndpoints.Map(secured).RequireAuthorization(CmsPolicies.Administer);
        ServerCameraEndpoints.Map(secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Administer));
        SettingsEndpoints.Map(secured);
        HostEndpoints.Map(secured);
        UserEndpoints.Map(secured);
        FailoverEndpoints.Map(secured);
        AlertEndpoints.Map(secured, secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Administer));
        DrillEndpoints.Map(secured);
        UpdateEndpoints.Map(secured);
        ConsoleEndpoints.Map(app, secured);
        app.MapVigilMetrics();
        app.MapOpenApi("/api/{documentName}/openapi.json").RequireAuthorization(CmsPolicies.Read);
        return app;
    }

    /// <summary>
    /// The exit code of a CMS whose host has shut down: <see cref="LeaseKeeper.LostLeadershipExitCode"/> when it stopped
    /// because it lost the lead, 0 after a graceful stop (which gives the lease up too).
    /// </summary>
    public static int ExitCode(WebApplication app) =>
        app.Services.GetRequiredService<HostLeadership>().MustRestart ? LeaseKeeper.LostLeadershipExitCode : 0;

    private static DirectoryInfo KeyRing(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "keys");
        PrivateFiles.EnsureDirectory(path);
        return new DirectoryInfo(path);
    }

    private static async Task InitialiseAsync(IServiceProvider services, CmsOptions options, TimeProvider time, TextWriter console, CancellationToken cancellationToken)
    {
        await CmsDatabase.MigrateAsync(services, cancellationToken).ConfigureAwait(false);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            if (options.Postgres is not null && await SharedKeyRing.ImportAsync(db, KeyRing(options.DataDirectory).FullName, cancellationToken).ConfigureAwait(false) is > 0 and var imported)
            {
                await console.WriteLineAsync($"Copied the {imported} key(s) of this data directory's key ring into the database, where every CMS host can use them").ConfigureAwait(false);
            }

            await FirstAdmin.EnsureAsync(db, time, Environment.GetEnvironmentVariable, console, cancellationToken).ConfigureAwait(false);
            await GroupService.EnsureDefaultAsync(db, time, cancellationToken).ConfigureAwait(false);
            await CmsInstallation.EnsureAsync(db, cancellationToken).ConfigureAwait(false);
        }

        await LeadershipServices.BeginLoneHostAsync(services, time, cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<SettingsStore>().LoadAsync(cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<AlertSettingsStore>().LoadAsync(cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<DrillSettingsStore>().LoadAsync(cancellationToken).ConfigureAwait(false);
    }
}
