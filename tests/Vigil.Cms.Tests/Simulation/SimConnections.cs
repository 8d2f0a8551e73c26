using Vigil.Cms.Agents;
using Vigil.Cms.Storage;

namespace Vigil.Cms.Tests.Simulation;

/// <summary>The CMS's port to its agents, answered by simulated agents (by serial); some servers' credentials can be made unreadable.</summary>
internal sealed class SimConnections : IAgentConnections
{
    public Dictionary<string, SimAgent> BySerial { get; } = [];

    public HashSet<int> Unreadable { get; } = [];

    public IAgentApi For(ServerRow server) => Unreadable.Contains(server.Id)
        ? new UnusableAgent(new AgentCallException(AgentCallException.Rules.CredentialUnreadable, $"credential of {server.Name} unreadable"))
        : BySerial[server.Serial];

    public void Forget(int serverId)
    {
    }
}
