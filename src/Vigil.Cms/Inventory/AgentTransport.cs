using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Hosting;

namespace Vigil.Cms.Inventory;

/// <summary>
/// Whether the CMS may speak to an agent at an address. Plain HTTP sends the agent's credential in clear once a
/// second, so it is allowed only to this machine's loopback, or everywhere when the CMS was started with
/// <c>--insecure-http</c> on purpose.
/// </summary>
internal static class AgentTransport
{
    public const string PlainHttpRefused = "server.plain-http-refused";

    public static Refusal? Check(ServerAddress address, bool insecureHttpAllowed)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Https || insecureHttpAllowed || PlainHttpGuard.IsLoopbackHost(address.Host)
            ? null
            : new Refusal(PlainHttpRefused,
                $"{address} is plain HTTP: anyone on the network could read the agent's credential. Connect over HTTPS, or start the CMS with --insecure-http to allow it.");
    }
}
