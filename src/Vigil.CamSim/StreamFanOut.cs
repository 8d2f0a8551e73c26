using System.Threading.Channels;
using Vigil.Media;

namespace Vigil.CamSim;

/// <summary>
/// Hands one live MPEG-TS byte stream to any number of clients. A client that joins starts with the
/// latest PAT and PMT and every packet since the last keyframe, so its first frame decodes at once;
/// one that joins before the encoder's first keyframe waits for it rather than starting mid-stream.
/// A client that cannot keep up is dropped rather than allowed to hold the others back.
/// </summary>
public sealed class StreamFanOut
{
    private const int ClientBacklog = 512;

    private readonly Lock _gate = new();
    private readonly List<Channel<byte[]>> _clients = [];
    private readonly List<Channel<byte[]>> _waiting = [];
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
                return _clients.Count + _waiting.Count;
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

            if (_waiting.Count > 0 && TryStart(out var start))
            {
                foreach (var waiting in _waiting)
                {
                    waiting.Writer.TryWrite(start);
                    _clients.Add(waiting);
                }

                _waiting.Clear();
            }
        }
    }

    /// <summary>A new client's stream: from the last keyframe, then live, until it is dropped or disconnected.</summary>
    public ChannelReader<byte[]> Join()
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ClientBacklog) { SingleReader = true, SingleWriter = true });
        lock (_gate)
        {
            if (TryStart(out var start))
            {
                channel.Writer.TryWrite(start);
                _clients.Add(channel);
            }
            else
            {
                _waiting.Add(channel);
            }
        }

        return channel.Reader;
    }

    /// <summary>The tables and the packets since the last keyframe: where a decoder can begin.</summary>
    private bool TryStart(out byte[] start)
    {
        start = _pat is not null && _pmt is not null && _sinceKeyframe.Count > 0
            ? [.. _pat, .. _pmt, .. _sinceKeyframe.SelectMany(p => p)]
            : [];
        return start.Length > 0;
    }

    public void Leave(ChannelReader<byte[]> client)
    {
        lock (_gate)
        {
            var channel = _clients.Concat(_waiting).FirstOrDefault(c => c.Reader == client);
            if (channel is not null)
            {
                channel.Writer.TryComplete();
                _clients.Remove(channel);
                _waiting.Remove(channel);
            }
        }
    }

    /// <summary>Ends every client's stream, as a camera that drops off the network would.</summary>
    public void DisconnectAll()
    {
        lock (_gate)
        {
            foreach (var client in _clients.Concat(_waiting))
            {
                client.Writer.TryComplete();
            }

            _clients.Clear();
            _waiting.Clear();
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
            _sinceKeyframe.Add(packet.ToArray());
        }
        else if (_sinceKeyframe.Count is > 0 and < 20_000)
        {
            // Only from a keyframe on, and bounded: a stream without keyframes must not grow the cache forever.
            _sinceKeyframe.Add(packet.ToArray());
        }
    }
}
