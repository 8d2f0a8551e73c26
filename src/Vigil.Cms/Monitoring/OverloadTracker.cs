namespace Vigil.Cms.Monitoring;

/// <summary>
/// Decides from the probe rounds' lateness whether the CMS itself is impaired: a round that starts two intervals
/// late (the process was paused, starved of CPU, or waited on its disk), or three rounds in a row a whole interval
/// late, make it overloaded; ten rounds in a row on time (less than half an interval late) make it recovered. Pure.
/// </summary>
internal sealed class OverloadTracker
{
    public const int LateRoundsInARow = 3;
    public const int OnTimeRoundsToRecover = 10;

    private int _late;
    private int _onTime;

    public bool IsOverloaded { get; private set; }

    /// <summary>Takes one round's lag; answers true when the CMS became overloaded or recovered with it.</summary>
    public bool Observe(TimeSpan lag, TimeSpan interval)
    {
        _late = lag >= interval ? _late + 1 : 0;
        _onTime = lag < interval / 2 ? _onTime + 1 : 0;
        if (!IsOverloaded && (lag >= 2 * interval || _late >= LateRoundsInARow))
        {
            IsOverloaded = true;
            _onTime = 0;
            return true;
        }

        if (IsOverloaded && _onTime >= OnTimeRoundsToRecover)
        {
            IsOverloaded = false;
            _late = 0;
            return true;
        }

        return false;
    }
}
