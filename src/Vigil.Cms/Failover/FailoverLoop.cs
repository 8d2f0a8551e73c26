using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Domain;

namespace Vigil.Cms.Failover;

/// <summary>
/// Runs the <see cref="FailoverEngine"/> for as long as the CMS runs: a round every probe interval (at most
/// 1 s) and at once after any transition or health change; each episode's step as its own task, at most one
/// per episode, so a slow agent or a long restore never holds up another server's takeover.
/// The one fault that stops the CMS is failing to read the open episodes at start: acting without knowing
/// them could start a second takeover of a server already taken over. Every later fault is logged and the
/// next round tries again.
/// </summary>
internal sealed partial class FailoverLoop(
    FailoverEngine engine, FailoverLedger ledger, HealthBoard board, SettingsStore settings, TimeProvider time, ILogger<FailoverLoop> logger)
    : BackgroundService
{
    private static readonly TimeSpan LongestRound = TimeSpan.FromSeconds(1);

    private readonly Wakeup _wakeup = new();
    private readonly Dictionary<EpisodeId, Task> _steps = [];
    private readonly Dictionary<(EpisodeId, ServerId), Task> _releases = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await engine.ResumeAsync(stoppingToken).ConfigureAwait(false);
        ledger.Changed += _wakeup.Signal;
        board.RoundChanged += _wakeup.Signal;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await engine.RoundAsync(stoppingToken).ConfigureAwait(false);
                StartSteps(stoppingToken);
                var interval = settings.Failover.ProbeInterval < LongestRound ? settings.Failover.ProbeInterval : LongestRound;
                await _wakeup.WaitAsync(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogRoundFailed(logger, e);
                await Task.Delay(LongestRound, time, stoppingToken).ConfigureAwait(false);
            }
        }

        ledger.Changed -= _wakeup.Signal;
        board.RoundChanged -= _wakeup.Signal;
        await Task.WhenAll(_steps.Values.Concat(_releases.Values)).ConfigureAwait(false);
    }

    private void StartSteps(CancellationToken stoppingToken)
    {
        foreach (var finished in _steps.Where(s => s.Value.IsCompleted).Select(s => s.Key).ToList())
        {
            _steps.Remove(finished);
        }

        foreach (var id in engine.DueSteps(_steps.Keys))
        {
            _steps[id] = Task.Run(() => engine.RunStepAsync(id, stoppingToken), CancellationToken.None);
        }

        foreach (var finished in _releases.Where(s => s.Value.IsCompleted).Select(s => s.Key).ToList())
        {
            _releases.Remove(finished);
        }

        foreach (var (episode, standby) in engine.DueReleases().Where(r => !_releases.ContainsKey(r)))
        {
            _releases[(episode, standby)] = Task.Run(() => engine.ReleaseFormerAsync(episode, standby, stoppingToken), CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 3206, Level = LogLevel.Error, Message = "A failover round failed; it is tried again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
