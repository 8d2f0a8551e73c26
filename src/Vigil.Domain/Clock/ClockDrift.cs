namespace Vigil.Domain.Clock;

/// <summary>
/// Whether a server's clock drifts from the CMS's. Catalog times are the agent's clock while failover and drill
/// decisions use the CMS's, so a gap or a footage window is only right when the clocks agree (NTP keeps them within
/// milliseconds). Drift starts when the clocks are surely more than <see cref="Limit"/> apart (a slow round trip never
/// raises it) and ends when they are surely within <see cref="BackInStep"/>, so a clock hovering at the limit does not
/// flap.
/// </summary>
public sealed class ClockDrift
{
    public static TimeSpan Limit { get; } = TimeSpan.FromSeconds(2);

    public static TimeSpan BackInStep { get; } = TimeSpan.FromSeconds(1);

    public bool Drifting { get; private set; }

    public ClockReading? Last { get; private set; }

    /// <summary>Takes one reading; answers true when it started or ended the drift.</summary>
    public bool Observe(ClockReading reading)
    {
        Last = reading;
        var next = Drifting ? reading.AtMost > BackInStep : reading.AtLeast > Limit;
        if (next == Drifting)
        {
            return false;
        }

        Drifting = next;
        return true;
    }
}
