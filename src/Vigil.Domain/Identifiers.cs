namespace Vigil.Domain;

/// <summary>Identifies a server (recording or standby) known to the CMS.</summary>
public readonly record struct ServerId(int Value)
{
    public override string ToString() => $"server {Value}";
}

/// <summary>Identifies a failover group.</summary>
public readonly record struct GroupId(int Value)
{
    public override string ToString() => $"group {Value}";
}

/// <summary>Identifies one failover episode: a takeover of one recording server and its failback.</summary>
public readonly record struct EpisodeId(long Value)
{
    public override string ToString() => $"episode {Value}";
}
