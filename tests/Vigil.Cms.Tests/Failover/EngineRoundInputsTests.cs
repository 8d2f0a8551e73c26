using Vigil.Cms.Failover;
using Vigil.Cms.Tests.Simulation;
using Vigil.Domain.Failover;
using Vigil.Domain.Health;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// A failover round carries out at most <see cref="FailoverEngine.MostInputsPerRound"/> inputs, so the takeovers they make
/// due can start while the rest are carried out by the next rounds; the failed servers of one group are all begun at once.
/// </summary>
public sealed class EngineRoundInputsTests
{
    [Fact]
    public async Task A_round_begins_every_failed_server_but_gives_at_most_its_inputs_a_standby_and_the_next_round_the_rest()
    {
        await using var site = await SimSite.StartAsync();
        var failed = FailoverEngine.MostInputsPerRound + 6;
        var recorders = new List<SimAgent>();
        for (var i = 0; i < failed; i++)
        {
            recorders.Add(await site.AddServerAsync($"rec-{i}", standby: false, site.DefaultGroup, cameras: 1));
        }

        for (var i = 0; i < failed; i++)
        {
            await site.AddServerAsync($"standby-{i}", standby: true, site.DefaultGroup);
        }

        await site.TickAsync();
        foreach (var recorder in recorders)
        {
            recorder.Down = true;
        }

        // Probes alone, until every recorder is failed: the engine's rounds are run one by one below.
        for (var probe = 0; probe < 10 && recorders.Count(r => site.Board.HealthOf(IdOf(site, r)).State == HealthState.Failed) < failed; probe++)
        {
            site.Time.Advance(SimSite.Tick);
            await Task.WhenAll(await site.Probes.RunAsync(CancellationToken.None));
        }

        site.Ledger.Open.ShouldBeEmpty();
        await site.Engine.RoundAsync(CancellationToken.None);
        site.Ledger.Open.Count.ShouldBe(failed, "every failed server's episode is begun in one round");
        site.Ledger.Open.Count(e => e.Phase == FailoverPhase.TakingOver).ShouldBe(FailoverEngine.MostInputsPerRound);

        await site.Engine.RoundAsync(CancellationToken.None);
        site.Ledger.Open.Count(e => e.Phase == FailoverPhase.TakingOver).ShouldBe(failed);
        site.Ledger.Open.Select(e => e.Standby).Distinct().Count().ShouldBe(failed, "no standby is given twice across the rounds");
    }

    private static int IdOf(SimSite site, SimAgent agent) => site.ById.Single(a => a.Value == agent).Key;
}
