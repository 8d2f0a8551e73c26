using Vigil.Cms.Monitoring;
using Vigil.Cms.Tests.Simulation;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Monitoring;

/// <summary>
/// A probe round sends at most <see cref="ProbeRound.ProbesInFlight"/> probes at once, the next as one is answered, so on a
/// large site no probe's timeout runs while it still waits behind the others to be sent.
/// </summary>
public sealed class ProbeRoundSlotsTests
{
    [Fact]
    public async Task A_round_has_at_most_its_slots_of_probes_in_flight_and_probes_the_rest_as_slots_free()
    {
        await using var site = await SimSite.StartAsync();
        var servers = ProbeRound.ProbesInFlight + 100;
        var inFlight = 0;
        var most = 0;
        var probed = 0;
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agents = new List<SimAgent>();
        for (var i = 0; i < servers; i++)
        {
            agents.Add(await site.AddServerAsync($"rec-{i}", standby: false, site.DefaultGroup));
        }

        foreach (var agent in agents)
        {
            agent.ProbeHeld = async () =>
            {
                Interlocked.Increment(ref probed);
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref most, now);
                await answer.Task;
                Interlocked.Decrement(ref inFlight);
            };
        }

        var round = site.Probes.RunAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => Volatile.Read(ref inFlight) >= ProbeRound.ProbesInFlight, TimeSpan.FromSeconds(30), "the probe slots to fill");
        Volatile.Read(ref most).ShouldBe(ProbeRound.ProbesInFlight, "no probe beyond the slots is sent while they are all held");

        answer.SetResult();
        await Task.WhenAll(await round);
        Volatile.Read(ref probed).ShouldBe(servers, "every server is probed in the round");
        Volatile.Read(ref inFlight).ShouldBe(0);
    }

    private static void InterlockedMax(ref int most, int value)
    {
        var seen = Volatile.Read(ref most);
        while (value > seen && Interlocked.CompareExchange(ref most, value, seen) is var was && was != seen)
        {
            seen = was;
        }
    }
}
