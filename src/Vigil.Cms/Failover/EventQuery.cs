namespace Vigil.Cms.Failover;

/// <summary>What a reader of the event log asks for: a server, a kind, how many, and older than which event.</summary>
internal sealed record EventQuery(int? Server = null, string? Kind = null, int? Limit = null, long? Before = null);
