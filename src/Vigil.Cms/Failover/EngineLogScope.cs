using Microsoft.Extensions.Logging;
using Vigil.Domain;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>
/// The scope of every log entry the engine writes about one episode: the recording server (its id, and its name
/// where the engine has it at hand), the episode and its epoch, as named fields in JSON logs and as a prefix in text.
/// </summary>
internal static class EngineLogScope
{
    public static IDisposable? For(ILogger logger, FailoverEpisode episode, string? serverName = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(episode);
        return logger.BeginScope(new Dictionary<string, object?>
        {
            ["Server"] = serverName ?? $"#{episode.RecordingServer.Value}",
            ["Episode"] = episode.Id.Value,
            ["Epoch"] = episode.Epoch.Value,
        });
    }

    /// <summary>Before an episode exists: the server alone.</summary>
    public static IDisposable? For(ILogger logger, ServerId server, string serverName)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new Dictionary<string, object?> { ["Server"] = serverName, ["ServerId"] = server.Value });
    }
}
