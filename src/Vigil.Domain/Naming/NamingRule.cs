namespace Vigil.Domain.Naming;

/// <summary>How batch add names the servers it adds (the seed's "Apply naming rule").</summary>
public enum NamingRule
{
    /// <summary>The server's own name as its agent reports it.</summary>
    Default,

    /// <summary><c>[Model]-[N]</c>, N the next free failover-server number.</summary>
    ModelNumber,

    /// <summary><c>[Prefix]-[N]</c>, N the next free failover-server number.</summary>
    PrefixNumber,
}
