using System.Threading.Channels;
using Vigil.Media;

namespace Vigil.CamSim;

/// <summary>
/// Hands one live MPEG-TS byte stream to any number of clients. A client that joins starts with the
/// latest PAT and PMT and every packet since the last keyframe, so its first frame decodes at once.
/// A client that cannot keep up is dropped rather than allowed to hold the others back.
/// </summary>
public sealed class StreamFanOut
{
    private const int ClientBacklog = 512;

    private readonly Lock _gate = new();
    private readonly List<Channel<byte[]>> _clients = [];
    private readonly List<byte[]> _sinceKeyframe = [];
    private byte[]? _pat;
    private byte[]? _pmt;
    private int? _pmtPid;

    public int ClientCount
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>Takes whole packets from the encoder and sends them to every client.</summary>
    public void Publish(ReadOnlySpan<byte> packets)
    {
        if (packets.Length % TsPacket.Size != 0)
        {
            throw new ArgumentException("Publish whole 188-byte packets.", nameof(packets));
        }

        lock (_gate)
        {
            for (var offset = 0; offset < packets.Length; offset += TsPacket.Size)
            {
                Remember(packets.Slice(offset, TsPacket.Size));
            }

            var chunk = packets.ToArray();
            for (var i = _clients.Count - 1; i >= 0; i--)
            {
                if (!_clients[i].Writer.TryWrite(chunk))
                {
                    _clients[i].Writer.TryComplete();
                    _clients.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>A new client's stream: from the last keyframe, then live, until it is dropped or disconnected.</summary>
    public ChannelReader<byte[]> Join()
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ClientBacklog) { SingleReader = true, SingleWriter = true });
        lock (_gate)
        {
            if (_pat is not null && _pmt is not null && _sinceKeyframe.Count > 0)
            {
                channel.Writer.TryWrite([.. _pat, .. _pmt, .. _sinceKeyframe.SelectMany(p => p)]);
            }

            _clients.Add(channel);
        }

        return channel.Reader;
    }

    public void Leave(ChannelReader<byte[]> client)
    {
        lock (_gate)
        {
            var channel = _clients.FirstOrDefault(c => c.Reader == client);
            if (channel is not null)
            {
                channel.Writer.TryComplete();
                _clients.Remove(channel);
            }
        }
    }

    /// <summary>Ends every client's stream, as a camera that drops off the network would.</summary>
    public void DisconnectAll()
    {
        lock (_gate)
        {
            foreach (var client in _clients)
            {
                client.Writer.TryComplete();
            }

            _clients.Clear();
        }
    }

    private void Remember(ReadOnlySpan<byte> packet)
    {
        if (packet[0] != TsPacket.SyncByte)
        {
            return;
        }

        var pid = TsPacket.Pid(packet);
        if (pid == TsPacket.PatPid)
        {
            _pat = packet.ToArray();
            _pmtPid = TsPacket.ProgramMapPid(packet) ?? _pmtPid;
            return;
        }

        if (pid == _pmtPid)
        {
            _pmt = packet.ToArray();
            return;
        }

        if (TsPacket.IsRandomAccess(packet))
        {
            _sinceKeyframe.Clear();
        }

        // Bounded: a stream without keyframes must not grow the cache forever.
        if (_sinceKeyframe.Count < 20_000)
        {
            _sinceKeyframe.Add(packet.ToArray());
        }
    }
}
