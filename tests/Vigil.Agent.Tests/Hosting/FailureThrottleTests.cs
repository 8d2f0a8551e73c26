using System.Net;
using Microsoft.Extensions.Time.Testing;
using Vigil.Hosting;

namespace Vigil.Agent.Tests.Hosting;

public sealed class FailureThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Operator = IPAddress.Parse("198.51.100.2");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void An_address_is_refused_after_the_maximum_failures_until_the_window_has_passed()
    {
        var throttle = new FailureThrottle(_time);
        for (var i = 0; i < FailureThrottle.MaxFailures - 1; i++)
        {
            throttle.RecordFailure(Attacker);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        throttle.RetryAfter(Attacker).ShouldBe(TimeSpan.Zero, "nine failures are allowed");
        throttle.RecordFailure(Attacker);

        throttle.RetryAfter(Attacker).ShouldBe(FailureThrottle.Window - TimeSpan.FromSeconds(FailureThrottle.MaxFailures - 1));
        _time.Advance(FailureThrottle.Window - TimeSpan.FromSeconds(FailureThrottle.MaxFailures - 1));
        throttle.RetryAfter(Attacker).ShouldBe(TimeSpan.Zero, "the oldest failure is a window old");
    }

    [Fact]
    public void One_address_failing_does_not_hold_up_another()
    {
        var throttle = new FailureThrottle(_time);
        for (var i = 0; i < FailureThrottle.MaxFailures * 3; i++)
        {
            throttle.RecordFailure(Attacker);
        }

        throttle.RetryAfter(Attacker).ShouldBeGreaterThan(TimeSpan.Zero);
        throttle.RetryAfter(Operator).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Failures_beyond_the_limit_do_not_prolong_the_refusal()
    {
        var throttle = new FailureThrottle(_time);
        for (var i = 0; i < FailureThrottle.MaxFailures; i++)
        {
            throttle.RecordFailure(Attacker);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        throttle.RecordFailure(Attacker);

        throttle.RetryAfter(Attacker).ShouldBeLessThanOrEqualTo(FailureThrottle.Window);
        throttle.RetryAfter(Attacker).ShouldBeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public void The_same_client_over_ipv4_and_ipv4_mapped_ipv6_is_one_address()
    {
        var throttle = new FailureThrottle(_time);
        for (var i = 0; i < FailureThrottle.MaxFailures; i++)
        {
            throttle.RecordFailure(Attacker.MapToIPv6());
        }

        throttle.RetryAfter(Attacker).ShouldBeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public void A_flood_from_many_addresses_keeps_the_table_bounded_and_still_tracks_the_newest()
    {
        var throttle = new FailureThrottle(_time);
        for (var i = 0; i < FailureThrottle.MaxAddresses + 500; i++)
        {
            throttle.RecordFailure(new IPAddress(BitConverter.GetBytes(0x0A000000 + i)));
        }

        for (var i = 0; i < FailureThrottle.MaxFailures; i++)
        {
            throttle.RecordFailure(Attacker);
        }

        throttle.TrackedAddresses.ShouldBeLessThanOrEqualTo(FailureThrottle.MaxAddresses);
        throttle.RetryAfter(Attacker).ShouldBeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public void When_the_table_is_full_expired_addresses_are_dropped_first()
    {
        var throttle = new FailureThrottle(_time);
        for (var i = 0; i < FailureThrottle.MaxAddresses; i++)
        {
            throttle.RecordFailure(new IPAddress(BitConverter.GetBytes(0x0A000000 + i)));
        }

        _time.Advance(FailureThrottle.Window);
        throttle.RecordFailure(Operator);

        throttle.TrackedAddresses.ShouldBe(1);
    }
}
