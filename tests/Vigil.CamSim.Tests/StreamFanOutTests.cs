using Vigil.Media;

namespace Vigil.CamSim.Tests;

public class StreamFanOutTests
{
    private const int PmtPid = 0x1000;
    private const int VideoPid = 0x100;

    private static byte[] Pat()
    {
        var packet = Packet(TsPacket.PatPid, randomAccess: false);
        packet[1] |= 0x40;
        byte[] section = [0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xF0, 0x00, 0, 0, 0, 0];
        section.CopyTo(packet, 4);
        return packet;
    }

    private static byte[] Packet(int pid, bool randomAccess, byte marker = 0)
    {
        var packet = new byte[TsPacket.Size];
        packet[0] = TsPacket.SyncByte;
        packet[1] = (byte)((pid >> 8) & 0x1F);
        packet[2] = (byte)(pid & 0xFF);
        packet[3] = (byte)(randomAccess ? 0x30 : 0x10);
        if (randomAccess)
        {
            packet[4] = 7;
            packet[5] = 0x40;
        }

        packet[^1] = marker;
        return packet;
    }

    [Fact]
    public void A_late_joiner_starts_with_pat_pmt_and_everything_since_the_last_keyframe()
    {
        var fanOut = new StreamFanOut();
        fanOut.Publish([.. Pat(), .. Packet(PmtPid, false), .. Packet(VideoPid, true, 1), .. Packet(VideoPid, false, 2)]);
        fanOut.Publish([.. Packet(VideoPid, true, 3), .. Packet(VideoPid, false, 4)]);

        var client = fanOut.Join();

        client.TryRead(out var start).ShouldBeTrue();
        start.Length.ShouldBe(4 * TsPacket.Size);
        TsPacket.Pid(start).ShouldBe(TsPacket.PatPid);
        TsPacket.Pid(start.AsSpan(TsPacket.Size)).ShouldBe(PmtPid);
        start[(3 * TsPacket.Size) - 1].ShouldBe((byte)3, "the cache starts at the newest keyframe");
        start[^1].ShouldBe((byte)4);
    }

    [Fact]
    public void A_client_that_joins_before_the_first_keyframe_waits_for_it_and_starts_with_the_tables()
    {
        var fanOut = new StreamFanOut();
        var early = fanOut.Join();

        fanOut.Publish([.. Packet(0x11, false), .. Pat(), .. Packet(PmtPid, false), .. Packet(VideoPid, false, 1)]);
        early.TryRead(out _).ShouldBeFalse("nothing a decoder could begin with has come yet");

        fanOut.Publish([.. Packet(VideoPid, true, 2), .. Packet(VideoPid, false, 3)]);

        early.TryRead(out var start).ShouldBeTrue();
        TsPacket.Pid(start).ShouldBe(TsPacket.PatPid);
        TsPacket.Pid(start.AsSpan(TsPacket.Size)).ShouldBe(PmtPid);
        start[(3 * TsPacket.Size) - 1].ShouldBe((byte)2, "then the keyframe");
        start[^1].ShouldBe((byte)3);
        fanOut.Publish(Packet(VideoPid, false, 4));
        early.TryRead(out var live).ShouldBeTrue();
        live[^1].ShouldBe((byte)4, "and live from there, nothing twice");
        early.TryRead(out _).ShouldBeFalse();
    }

    /// <summary>An encoder's first packets: the tables and a keyframe, so clients that join are streaming.</summary>
    private static StreamFanOut Started()
    {
        var fanOut = new StreamFanOut();
        fanOut.Publish([.. Pat(), .. Packet(PmtPid, false), .. Packet(VideoPid, true)]);
        return fanOut;
    }

    [Fact]
    public void Every_client_gets_the_live_packets()
    {
        var fanOut = Started();
        var a = fanOut.Join();
        var b = fanOut.Join();
        a.TryRead(out _).ShouldBeTrue("the start");
        b.TryRead(out _).ShouldBeTrue("the start");

        fanOut.Publish(Packet(VideoPid, false, 9));

        a.TryRead(out var fromA).ShouldBeTrue();
        b.TryRead(out var fromB).ShouldBeTrue();
        fromA[^1].ShouldBe((byte)9);
        fromB[^1].ShouldBe((byte)9);
        fanOut.ClientCount.ShouldBe(2);
    }

    [Fact]
    public async Task A_client_that_falls_behind_is_dropped_without_holding_back_the_others()
    {
        var fanOut = Started();
        var slow = fanOut.Join();
        var fast = fanOut.Join();
        fast.TryRead(out _).ShouldBeTrue("the start");

        for (var i = 0; i < 600; i++)
        {
            fanOut.Publish(Packet(VideoPid, false));
            fast.TryRead(out _).ShouldBeTrue();
        }

        fanOut.ClientCount.ShouldBe(1);
        fast.Completion.IsCompleted.ShouldBeFalse();
        var backlog = 0;
        while (slow.TryRead(out _))
        {
            backlog++;
        }

        backlog.ShouldBeLessThan(600, "the slow client got what fitted in its backlog, then its stream ended");
        await slow.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Disconnecting_all_ends_every_clients_stream_those_waiting_for_a_keyframe_too()
    {
        var waitingFanOut = new StreamFanOut();
        var waiting = waitingFanOut.Join();
        var fanOut = Started();
        var client = fanOut.Join();

        fanOut.DisconnectAll();
        waitingFanOut.DisconnectAll();
        client.TryRead(out _).ShouldBeTrue("the start it was sent");

        await client.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        await waiting.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        fanOut.ClientCount.ShouldBe(0);
        waitingFanOut.ClientCount.ShouldBe(0);
    }

    [Fact]
    public void Publishing_a_partial_packet_is_a_programming_error() =>
        Should.Throw<ArgumentException>(() => new StreamFanOut().Publish(new byte[100]));
}
