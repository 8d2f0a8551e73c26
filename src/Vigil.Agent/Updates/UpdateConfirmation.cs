using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Recording;
using Vigil.Agent.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting.Updates;

namespace Vigil.Agent.Updates;

/// <summary>
/// The new version's check of itself after an update: within <see cref="Deadline"/> it must listen, have its database
/// opened and migrated, have its recorders started, and be the version the update named. Then the update is
/// <c>updated</c>; otherwise the host stops and <see cref="UpdateRestart"/> rolls back and restarts into the old version.
/// Also writes the audit entry a rollback left for the next process that opened the database.
/// </summary>
internal sealed class UpdateConfirmation(
    UpdateStateFile stateFile,
    IHostApplicationLifetime lifetime,
    IServer server,
    AgentDatabase database,
    RecorderSupervisor recorders,
    UpdateRestart restart,
    AuditLog audit,
    TimeProvider time,
    ILogger<UpdateConfirmation> logger) : BackgroundService
{
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private const string Who = "agent";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var state = stateFile.Read();
        if (state.PendingAudit is { } entry)
        {
            audit.Record(Who, "update", entry);
            stateFile.Write(state with { PendingAudit = null });
        }

        if (state.State != AgentUpdateStates.Confirming)
        {
            return;
        }

        var problem = await ProblemAsync(state, stoppingToken).ConfigureAwait(false);
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        if (problem is null)
        {
            stateFile.Write(stateFile.Read() with { State = AgentUpdateStates.Updated, Reason = null, Starts = 0, At = time.GetUtcNow() });
            audit.Record(Who, "update.updated", $"vigil {state.ToVersion} runs and passed its health check (updated from {state.FromVersion})");
            logger.Updated(state.ToVersion!, state.FromVersion);
            return;
        }

        restart.RollBackAndRestart(problem);
        lifetime.StopApplication();
    }

    /// <summary>Null when every check passed; else what failed, in words.</summary>
    private async Task<string?> ProblemAsync(UpdateState state, CancellationToken stoppingToken)
    {
        var running = UpdateVersions.Format(VigilVersion.Current);
        if (running != state.ToVersion)
        {
            return $"The program installed as vigil {state.ToVersion} reports version {running}.";
        }

        using var deadline = new CancellationTokenSource(Deadline, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, stoppingToken);
        try
        {
            while (!lifetime.ApplicationStarted.IsCancellationRequested || !recorders.Ready)
            {
                await Task.Delay(Poll, time, either.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return $"vigil {running} did not start listening and recording within {Deadline.TotalSeconds:0} s.";
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        if (server.Features.Get<IServerAddressesFeature>()?.Addresses is not { Count: > 0 })
        {
            return $"vigil {running} listens on no address.";
        }

        var schema = database.SchemaVersion();
        return schema == AgentDatabase.LatestSchemaVersion
            ? null
            : $"The database is at schema {schema}; vigil {running} needs {AgentDatabase.LatestSchemaVersion}.";
    }
}
