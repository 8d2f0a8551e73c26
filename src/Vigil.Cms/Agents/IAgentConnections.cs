using Vigil.Cms.Storage;

namespace Vigil.Cms.Agents;

/// <summary>The port through which the CMS reaches its paired agents: one <see cref="IAgentApi"/> per server.</summary>
internal interface IAgentConnections
{
    /// <summary>The API of <paramref name="server"/> as stored now (address, pin, credential).</summary>
    IAgentApi For(ServerRow server);

    /// <summary>Drops what is kept for a server that is no longer managed.</summary>
    void Forget(int serverId);
}
