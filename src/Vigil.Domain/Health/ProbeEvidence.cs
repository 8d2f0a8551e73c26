namespace Vigil.Domain.Health;

/// <summary>
/// Whether a failed probe counts as a miss against the server (docs/product-rules.md, "Health"). An answer that
/// reports a failure, and a connection the server's host refused or reset, are evidence about the server whatever the
/// CMS's own state. A probe that only timed out is evidence only when the CMS was itself on time while it waited: not
/// overloaded, and no stall of its own of <see cref="StallToleranceFraction"/> of the probe timeout or more. Otherwise
/// the answer may have come and been read too late, so the probe is discounted: the server's count of misses neither
/// grows nor resets, and it goes on counting once the CMS is on time again.
/// </summary>
public static class ProbeEvidence
{
    /// <summary>A quarter: a stall that long leaves less time than three quarters of the timeout for the answer to be read.</summary>
    public const double StallToleranceFraction = 0.25;

    public static bool IsEvidence(bool timedOut, bool cmsOverloaded, TimeSpan cmsStall, TimeSpan probeTimeout) =>
        !timedOut || (!cmsOverloaded && cmsStall < probeTimeout * StallToleranceFraction);
}
