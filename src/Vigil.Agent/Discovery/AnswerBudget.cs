namespace Vigil.Agent.Discovery;

/// <summary>
/// At most <see cref="PerSecond"/> answers a second: a flood of searches (or searches with a forged sender) cannot
/// turn the agent into a source of traffic towards someone else, nor cost it more than a trickle of work.
/// </summary>
public sealed class AnswerBudget(TimeProvider time)
{
    public const int PerSecond = 20;

    private long _windowStart = long.MinValue;
    private int _spent;

    /// <summary>True when one more answer may go out now.</summary>
    public bool TrySpend()
    {
        var now = time.GetTimestamp();
        if (_windowStart == long.MinValue || time.GetElapsedTime(_windowStart, now) >= TimeSpan.FromSeconds(1))
        {
            _windowStart = now;
            _spent = 0;
        }

        if (_spent >= PerSecond)
        {
            return false;
        }

        _spent++;
        return true;
    }
}
