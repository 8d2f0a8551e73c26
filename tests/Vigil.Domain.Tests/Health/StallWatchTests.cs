using Vigil.Domain.Health;

namespace Vigil.Domain.Tests.Health;

public class StallWatchTests
{
    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void A_sampler_that_never_ticked_excuses_nothing()
    {
        new StallWatch().WorstSince(Ms(0), Ms(5000)).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Ticks_on_time_are_no_stall()
    {
        var watch = new StallWatch();
        for (var t = 0; t <= 1000; t += 100)
        {
            watch.Tick(Ms(t));
        }

        watch.WorstSince(Ms(0), Ms(1050)).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void A_late_tick_is_a_stall_of_how_late_it_came_seen_by_probes_waiting_while_it_ended()
    {
        var watch = new StallWatch();
        watch.Tick(Ms(0));
        watch.Tick(Ms(100));
        watch.Tick(Ms(700));
        watch.Tick(Ms(800));

        watch.WorstSince(Ms(50), Ms(850)).ShouldBe(Ms(500), "a probe sent at 50 ms waited through it");
        watch.WorstSince(Ms(700), Ms(850)).ShouldBe(TimeSpan.Zero, "a probe sent once it was over did not");
    }

    [Fact]
    public void A_stall_going_on_now_counts_before_the_late_tick_comes()
    {
        var watch = new StallWatch();
        watch.Tick(Ms(0));
        watch.Tick(Ms(100));

        watch.WorstSince(Ms(100), Ms(1100)).ShouldBe(Ms(900), "a paused CMS wakes with its probe timers and its sampler late alike");
    }

    [Fact]
    public void The_longest_of_several_stalls_counts()
    {
        var watch = new StallWatch();
        watch.Tick(Ms(0));
        watch.Tick(Ms(400));
        watch.Tick(Ms(500));
        watch.Tick(Ms(1300));
        watch.Tick(Ms(1400));

        watch.WorstSince(Ms(0), Ms(1450)).ShouldBe(Ms(700));
    }

    [Fact]
    public void Stalls_older_than_the_retention_are_forgotten()
    {
        var watch = new StallWatch();
        watch.Tick(Ms(0));
        watch.Tick(Ms(2000));
        var later = Ms(2000) + StallWatch.Retention + Ms(100);
        for (var t = Ms(2100); t <= later; t += StallWatch.Period)
        {
            watch.Tick(t);
        }

        watch.WorstSince(Ms(0), later).ShouldBe(TimeSpan.Zero);
    }
}
