using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Vigil.Agent.Updates;

/// <summary>
/// After a restart into another version, waits (bounded) until the previous process let go of the ports this one
/// listens on, so a start does not fail on "address in use" while the old one finishes stopping.
/// </summary>
internal static class PortWait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public static async Task UntilFreeAsync(IEnumerable<string> urls, TimeSpan deadline, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + deadline;
        foreach (var (address, port) in urls.Select(Endpoint).Where(e => e.Port > 0).Distinct())
        {
            var said = false;
            while (!IsFree(address, port) && time.GetUtcNow() < until)
            {
                if (!said)
                {
                    logger.WaitingForPort(port);
                    said = true;
                }

                await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static (IPAddress Address, int Port) Endpoint(string url)
    {
        // Kestrel's wildcard hosts ("*", "+", names) are not URIs' hosts; they bind every address.
        var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        return (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) ? address : IPAddress.Any, uri.Port);
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            var listener = new TcpListener(address, port);

            // As Kestrel binds: connections of the old process left in TIME_WAIT do not keep a port busy, a listener does.
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
