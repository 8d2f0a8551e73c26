namespace Vigil.Cms.Agents;

/// <summary>
/// A call to an agent cut short because the CMS closed that agent's client: the server's address, certificate or
/// credential changed (the client is replaced) or the server was removed. It says nothing about the agent, so it is
/// not an <see cref="AgentCallException"/>: a probe cut this way is no miss, and a takeover cut this way is tried
/// again rather than taken for the standby's refusal.
/// </summary>
public sealed class AgentClientClosedException : Exception
{
    public AgentClientClosedException()
        : base("The CMS closed its client of this agent while the call was in flight.")
    {
    }

    public AgentClientClosedException(string message)
        : base(message)
    {
    }

    public AgentClientClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
