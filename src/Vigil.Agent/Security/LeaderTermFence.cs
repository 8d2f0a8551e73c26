using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Security;

/// <summary>
/// The highest leader term this agent has seen from its CMS (see <see cref="AgentRoutes.LeaderTermHeader"/>), kept in
/// its database so a restart does not forget it. Any call made with the CMS's credential raises it, the probe every
/// second included, so every reachable agent knows a new leader within a second of its first round; the
/// <c>EpochGate</c> refuses takeover commands from an older term. A new pairing starts over: a different CMS (or one
/// whose database came from elsewhere) has terms of its own.
/// </summary>
/// <remarks>
/// A term is a time in microseconds since 1970 by the CMS database's clock. One further ahead of this agent's clock
/// than <see cref="MostAhead"/> is not taken as the highest: a stolen credential cannot fence the real CMS out for
/// long with a made-up term far in the future, and a CMS whose clock is that far off is simply not fenced.
/// </remarks>
public sealed class LeaderTermFence(AgentSettings settings, TimeProvider time)
{
    public static TimeSpan MostAhead { get; } = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private long? _highest;

    public long Highest
    {
        get
        {
            lock (_gate)
            {
                return _highest ??= settings.GetLong(AgentSettings.HighestLeaderTerm);
            }
        }
    }

    /// <summary>The term a request carries, or null when it carries none (a call made with the admin password, an older CMS).</summary>
    public static long? Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return long.TryParse(request.Headers[AgentRoutes.LeaderTermHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var term) ? term : null;
    }

    public void Observe(long term)
    {
        if (term > (time.GetUtcNow() + MostAhead).ToUnixTimeMilliseconds() * 1000)
        {
            return;
        }

        lock (_gate)
        {
            if (term > (_highest ??= settings.GetLong(AgentSettings.HighestLeaderTerm)))
            {
                settings.Set(AgentSettings.HighestLeaderTerm, term.ToString(CultureInfo.InvariantCulture));
                _highest = term;
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            settings.Set(AgentSettings.HighestLeaderTerm, "0");
            _highest = 0;
        }
    }
}
