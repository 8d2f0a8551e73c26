using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;
using Vigil.Hosting.Updates;

namespace Vigil.Agent.Updates;

/// <summary>
/// The update's part in the agent's own start and stop, around the web host: <see cref="BeforeStartAsync"/> runs before
/// anything else (before the database is opened), <see cref="AfterFailedStart"/> when the host could not start, and
/// <see cref="AfterStop"/> once it stopped.
/// </summary>
public static class AgentUpdates
{
    /// <summary>Starts of a new version that may fail before it is rolled back: a crash loop under systemd ends here.</summary>
    public const int MaxStarts = 3;

    private static readonly TimeSpan PortDeadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Counts this start of a new version, and rolls back at once when it is not the version the update named or has
    /// started too often without confirming itself. Answers an exit code when this process must end now (it restarted
    /// into the old version), null to go on starting.
    /// </summary>
    public static async Task<int?> BeforeStartAsync(AgentOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = TimeProvider.System;
        using var logging = LoggerFactory.Create(b => LogFormat.Configure(b, options.LogFormat));
        var logger = logging.CreateLogger(typeof(AgentUpdates).FullName!);
        var file = new UpdateStateFile(options.DataDirectory);
        var state = file.Read();
        if (state.InProgress)
        {
            logger.Interrupted(state.ToVersion);
            RemoveLeftovers(ProgramLayout.Detect(Environment.ProcessPath), file);
            state = state with { State = AgentUpdateStates.Failed, Reason = "The agent stopped during the update, before it switched versions; nothing changed.", At = time.GetUtcNow() };
            file.Write(state);
        }

        if (state.AwaitingConfirmation)
        {
            var running = UpdateVersions.Format(VigilVersion.Current);
            var starts = state.Starts + 1;
            var layout = ProgramLayout.Detect(Environment.ProcessPath);
            var problem = running != state.ToVersion
                ? $"The program installed as vigil {state.ToVersion} reports version {running}."
                : starts > MaxStarts ? $"vigil {running} started {starts - 1} times without passing its health check." : null;
            if (problem is not null)
            {
                UpdateRollback.Run(layout, file, options.DataDirectory, problem, time, logger);
                return ProcessRestart.Run(layout, logger);
            }

            logger.Confirming(running, starts, MaxStarts);
            state = state with { State = AgentUpdateStates.Confirming, Starts = starts, At = time.GetUtcNow() };
            file.Write(state);
        }

        if (state.RestartPending)
        {
            await PortWait.UntilFreeAsync(options.Urls, PortDeadline, time, logger, cancellationToken).ConfigureAwait(false);
            file.Write(file.Read() with { RestartPending = false });
        }

        return null;
    }

    /// <summary>
    /// A new version whose host could not even start (a migration that throws, a port it cannot bind) rolls back at once
    /// rather than wait for a supervisor that may not exist. Answers the exit code, or null when no update awaits confirmation.
    /// </summary>
    public static int? AfterFailedStart(AgentOptions options, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(exception);
        var file = new UpdateStateFile(options.DataDirectory);
        if (file.Read().State != AgentUpdateStates.Confirming)
        {
            return null;
        }

        using var logging = LoggerFactory.Create(b => LogFormat.Configure(b, options.LogFormat));
        var logger = logging.CreateLogger(typeof(AgentUpdates).FullName!);
        var layout = ProgramLayout.Detect(Environment.ProcessPath);
        UpdateRollback.Run(layout, file, options.DataDirectory, $"vigil {UpdateVersions.Format(VigilVersion.Current)} could not start: {exception.Message}", TimeProvider.System, logger);
        return ProcessRestart.Run(layout, logger);
    }

    /// <summary>What an update cut short by a crash or a power cut left: a received package, a half-unpacked version.</summary>
    private static void RemoveLeftovers(ProgramLayout layout, UpdateStateFile file)
    {
        foreach (var incoming in Directory.EnumerateFiles(file.Folder, "incoming-*"))
        {
            File.Delete(incoming);
        }

        if (layout.Updatable)
        {
            foreach (var partial in Directory.EnumerateDirectories(layout.Versions, ".*.partial-*"))
            {
                Directory.Delete(partial, recursive: true);
            }
        }
    }

    /// <summary>After the host stopped: restarts into another version if an update (or its rollback) asked for it. Answers the exit code.</summary>
    public static int AfterStop(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<UpdateRestart>().AfterStop();
    }
}
