using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Bench.Fleet;

/// <summary>Finds consecutive free TCP ports on 127.0.0.1, below the ephemeral range so that no outgoing connection takes one meanwhile.</summary>
internal static class LoopbackPorts
{
    private const int Lowest = 12_000;

    public static int FindConsecutive(int count)
    {
        var ceiling = EphemeralLow();
        var start = Lowest;
        while (start + count <= ceiling)
        {
            var busy = Enumerable.Range(start, count).FirstOrDefault(port => !IsFree(port));
            if (busy == 0)
            {
                return start;
            }

            start = busy + 1;
        }

        throw new InvalidOperationException($"No {count} consecutive free ports on 127.0.0.1 between {Lowest} and {ceiling}.");
    }

    private static bool IsFree(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range)
            ? int.Parse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture)
            : 32_768;
    }
}
