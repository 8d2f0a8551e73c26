namespace Vigil.Domain.Clock;

/// <summary>
/// How far a server's clock is from the CMS's, from one probe: the agent stamped its answer somewhere between the
/// request leaving and the answer arriving, so its offset is measured against the midpoint, give or take half the
/// round trip (<see cref="Uncertainty"/>).
/// </summary>
public readonly record struct ClockReading(TimeSpan Offset, TimeSpan Uncertainty)
{
    /// <param name="sent">The CMS's clock when the probe left.</param>
    /// <param name="received">The CMS's clock when its answer arrived.</param>
    /// <param name="agentClock">The time the agent wrote in its answer.</param>
    public static ClockReading From(DateTimeOffset sent, DateTimeOffset received, DateTimeOffset agentClock)
    {
        var roundTrip = received < sent ? TimeSpan.Zero : received - sent;
        var midpoint = sent + (roundTrip / 2);
        return new ClockReading(agentClock - midpoint, roundTrip / 2);
    }

    /// <summary>The least the clocks can be apart, whatever the round trip hid.</summary>
    public TimeSpan AtLeast => (Offset.Duration() - Uncertainty) is var least && least > TimeSpan.Zero ? least : TimeSpan.Zero;

    /// <summary>The most the clocks can be apart.</summary>
    public TimeSpan AtMost => Offset.Duration() + Uncertainty;
}
