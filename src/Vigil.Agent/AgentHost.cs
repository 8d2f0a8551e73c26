using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Api;
using Vigil.Agent.Discovery;
using Vigil.Agent.Metrics;
using Vigil.Agent.Recording;
using Vigil.Agent.Security;
using Vigil.Agent.Spaces;
using Vigil.Agent.Storage;
using Vigil.Agent.Updates;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;
using Vigil.Hosting.Metrics;
using Vigil.Media;

namespace Vigil.Agent;

/// <summary><c>vigil agent</c>: composes the agent's web host from its options.</summary>
public static class AgentHost
{
    public static WebApplication Build(AgentOptions options, MediaTools tools, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        if (PlainHttpGuard.Refusal(options.Urls, options.InsecureHttp) is { } refusal)
        {
            throw new ArgumentException(refusal);
        }

        if (options.CertificateFile is not null && !options.UsesHttps)
        {
            throw new ArgumentException("--certificate is for https:// URLs; none of --urls is one.");
        }

        var time = TimeProvider.System;
        var database = new AgentDatabase(options.DataDirectory);
        var settings = new AgentSettings(database);
        EnsureAdminPassword(settings, console);
        foreach (var space in options.EffectiveSpaces)
        {
            Directory.CreateDirectory(space);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. options.Urls]);
        var fingerprint = options.UsesHttps ? UseTls(builder, options, time, console) : null;
        var keys = Path.Combine(options.DataDirectory, "keys");
        PrivateFiles.EnsureTree(keys);

        LogFormat.Configure(builder.Logging, options.LogFormat);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // Authentication brings data protection along; the agent issues no cookies, so its keys protect nothing.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keys));
        builder.Services.Configure<JsonOptions>(o => ContractJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);

            // The agent's address is often an IP or localhost; the default exclusions would leave those without the header.
            o.ExcludedHosts.Clear();
        });
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(tools);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(s => new AgentIdentity(options, settings, fingerprint));
        builder.Services.AddSingleton<CameraStore>();
        builder.Services.AddSingleton<TakeoverStore>();
        builder.Services.AddSingleton<CredentialStore>();
        builder.Services.AddSingleton<FootageGrants>();
        builder.Services.AddSingleton<RecordingCatalog>();
        builder.Services.AddSingleton(s => new RecordingSpaces(options.EffectiveSpaces, s.GetRequiredService<RecordingCatalog>(), s.GetRequiredService<TakeoverStore>()));
        builder.Services.AddVigilMetrics(ScrapeToken.FromFile(options.MetricsTokenFile), AgentAuthentication.SchemeName);
        builder.Services.AddSingleton<RecordingMetrics>();
        builder.Services.AddSingleton<AgentStateMetrics>();
        builder.Services.AddSingleton<SegmentCataloguer>();
        builder.Services.AddSingleton<CatalogRecovery>();
        builder.Services.AddSingleton<FootageSweep>();
        builder.Services.AddSingleton<RetentionEnforcer>();
        builder.Services.AddSingleton(s => new Vigil.Agent.Restore.AbandonedPartials(s.GetRequiredService<RecordingSpaces>().Paths));
        builder.Services.AddSingleton<EpochGate>();
        builder.Services.AddSingleton<LeaderTermFence>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<FailureThrottle>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<Vigil.Agent.Restore.RestoredCatalogWriter>();
        builder.Services.AddSingleton<Vigil.Agent.Restore.RestoredFiles>();
        builder.Services.AddSingleton<SnapshotLimiter>();
        builder.Services.AddSingleton<RecorderSupervisor>();
        builder.Services.AddHostedService(s => s.GetRequiredService<RecorderSupervisor>());
        builder.Services.AddHostedService<RetentionTimer>();
        builder.Services.AddHostedService(s => ActivatorUtilities.CreateInstance<ListeningAnnouncement>(s, "vigil agent"));
        builder.Services.AddSingleton(ProgramLayout.Detect(Environment.ProcessPath));
        builder.Services.AddSingleton(new UpdateStateFile(options.DataDirectory));
        builder.Services.AddSingleton<UpdateInstaller>();
        builder.Services.AddSingleton<UpdateRestart>();
        builder.Services.AddHostedService<UpdateConfirmation>();
        builder.Services.AddHostedService<DiscoveryResponder>();
        builder.Services.AddSystemd(); // Under systemd: READY=1 once started (Type=notify), stops on SIGTERM, journal log levels; elsewhere nothing.
        builder.Services.AddAuthentication(AgentAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AgentAuthentication>(AgentAuthentication.SchemeName, null);
        builder.Services.AddAuthorization();

        var app = builder.Build();

        // Made once here, so its gauges are computed at every scrape from the first one on.
        app.Services.GetRequiredService<AgentStateMetrics>();
        AddCamerasFromCommandLine(options, app.Services.GetRequiredService<CameraStore>());
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHsts();
        app.UsePasswordAttemptThrottling();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseLeaderTerms();
        var secured = app.MapGroup(string.Empty).RequireAuthorization(policy => policy.RequireRole(AgentAuthentication.ManagerRole));

        // A footage grant's bearer reaches only these, and they answer it only about its own takeover's footage.
        var readable = app.MapGroup(string.Empty).RequireAuthorization();
        StatusEndpoints.Map(app, secured);
        PairingEndpoints.Map(app, secured);
        AuditEndpoints.Map(secured);
        var managed = secured.MapGroup(string.Empty).LockedWhileManaged();
        CameraEndpoints.Map(managed);
        TakeoverEndpoints.Map(managed);
        TakeoverFootageEndpoints.Map(managed);
        RecordingEndpoints.Map(secured, readable);
        RestoreEndpoints.Map(managed);
        UpdateEndpoints.Map(managed);
        app.MapVigilMetrics();
        return app;
    }

    /// <summary>
    /// Serves TLS with the operator's certificate file or else the self-signed one kept in the data directory;
    /// either way prints the fingerprint, which the operator compares with what the CMS shows before pairing.
    /// </summary>
    private static string UseTls(WebApplicationBuilder builder, AgentOptions options, TimeProvider time, TextWriter console)
    {
        var certificate = options.CertificateFile is { } file
            ? CertificateFile.Load(file, Environment.GetEnvironmentVariable(CertificateFile.PasswordVariable))
            : SelfSignedCertificate.LoadOrCreate(options.DataDirectory, Environment.MachineName, time);
        PrivateFiles.EnsureFile(Path.Combine(options.DataDirectory, SelfSignedCertificate.FileName));
        var fingerprint = SelfSignedCertificate.Fingerprint(certificate);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        console.WriteLine($"TLS certificate SHA-256 fingerprint: {fingerprint}");
        return fingerprint;
    }

    private static void EnsureAdminPassword(AgentSettings settings, TextWriter console)
    {
        if (settings.Get(AgentSettings.AdminPasswordHash) is not null)
        {
            return;
        }

        var (password, generated) = InitialAdminPassword.Choose(Environment.GetEnvironmentVariable);
        settings.Set(AgentSettings.AdminPasswordHash, PasswordHashing.Hash(password));
        console.WriteLine(generated
            ? $"Agent admin password (shown once, keep it): {password}"
            : $"Agent admin password taken from {InitialAdminPassword.EnvironmentVariable}.");
    }

    /// <summary>Cameras named on the command line are added once; later edits through the API are kept.</summary>
    private static void AddCamerasFromCommandLine(AgentOptions options, CameraStore cameras)
    {
        foreach (var (name, url) in options.Cameras)
        {
            var camera = new CameraConfig(name, name, url);
            if (AgentValidation.Check(camera) is { } broken)
            {
                throw new ArgumentException($"--camera {name}={StreamUrlMask.Mask(url)}: {broken.Message}");
            }

            if (cameras.Find(AgentRoutes.OwnRecordings, name) is null)
            {
                cameras.Put(AgentRoutes.OwnRecordings, camera);
            }
        }
    }
}
