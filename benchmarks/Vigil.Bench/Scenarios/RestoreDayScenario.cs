using System.Globalization;
using Vigil.Bench.Measurement;
using Vigil.Bench.Site;
using Vigil.Contracts.Cms;

namespace Vigil.Bench.Scenarios;

/// <summary>
/// A day-long outage restored: 16 cameras × 24 h of 2-second segments (691 200 catalogue entries, small files), on the same
/// real site as the restore scenario. It takes about half an hour here, so it runs only when named (<c>./bench --only
/// restore-day</c>); <c>VIGIL_BENCH_DAY_FRACTION</c> (0 to 1) runs that share of the day, to see how the figures grow.
/// </summary>
public sealed class RestoreDayScenario : IScenario
{
    private const int Cameras = 16;
    private const int SegmentsPerCameraDay = 24 * 60 * 60 / 2;
    private const int SegmentBytes = 4096;

    public string Name => "restore-day";

    public string Title => "Restore of a day-long outage: 16 cameras × 24 h of 2-second segments (real agents)";

    public int Order => 26;

    public bool OnlyWhenNamed => true;

    public async Task<ScenarioResult> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fraction = double.Parse(Environment.GetEnvironmentVariable("VIGIL_BENCH_DAY_FRACTION") ?? (options.Quick ? "0.01" : "1"), CultureInfo.InvariantCulture);
        var count = (int)Math.Ceiling(Cameras * SegmentsPerCameraDay * Math.Clamp(fraction, 0, 1));
        var outage = new RestoreScenario.Outage(RestoreScenario.Invariant($"{fraction:0.###} of a day"), count, SegmentBytes, Cameras, TimeCopy: false);
        await using var site = await RealSite.StartAsync(1, cancellationToken);
        var recording = await site.StartAgentAsync("rec", 1);
        var standby = await site.StartAgentAsync("standby");
        var rec = await site.AddAsync(recording, ServerRoleName.Recording, cancellationToken);
        var sb = await site.AddAsync(standby, ServerRoleName.Standby, cancellationToken);

        var (trial, _) = await RestoreScenario.RunOutageAsync(site, rec.Id, sb.Id, recording, standby, outage, cancellationToken);
        var perSecond = trial.Files / trial.Seconds;
        options.Log.WriteLine(RestoreScenario.Invariant(
            $"  {outage.Name}: {trial.Files} files restored in {trial.Seconds:0} s = {perSecond:0} files/s, the standby cleaned in {trial.CleanupSeconds:0} s; peak memory CMS {trial.CmsPeak >> 20} MiB, original {trial.OriginalPeak >> 20} MiB, standby {trial.StandbyPeak >> 20} MiB"));
        var figures = new List<Figure>
        {
            new(RestoreScenario.Invariant($"day-long outage restored ({outage.Name}), time"), "s", [trial.Seconds], "completes", true,
                RestoreScenario.Invariant($"{trial.Files} catalogue entries over {Cameras} cameras ({SegmentBytes} bytes each, {trial.Bytes / 1e6:0} MB in all) restored in {trial.Seconds:0} s, from the failover's move into `restoring` to its move out: {perSecond:0} files/s.")),
            new(RestoreScenario.Invariant($"day-long outage restored ({outage.Name}), standby cleaned"), "s", [trial.CleanupSeconds], "completes", true,
                "From the failover's move out of `restoring` to its completion: what is home is checked once more and removed from the standby, page by page."),
            new(RestoreScenario.Invariant($"day-long outage restored ({outage.Name}), peak memory"), "MiB",
                [trial.CmsPeak / 1048576.0, trial.OriginalPeak / 1048576.0, trial.StandbyPeak / 1048576.0], "bounded", null,
                RestoreScenario.Invariant($"Peak resident memory (VmHWM): CMS {trial.CmsPeak >> 20} MiB, original {trial.OriginalPeak >> 20} MiB (since its restart), standby {trial.StandbyPeak >> 20} MiB.")),
        };
        return new ScenarioResult(figures, [],
            ["One site of real `vigil` processes on 127.0.0.1 as in the restore scenario; the outage's footage is small random files catalogued on the standby as failover recordings of 16 cameras, 2 s apart per camera."]);
    }
}
