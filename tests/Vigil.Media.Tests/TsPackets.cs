namespace Vigil.Media.Tests;

/// <summary>Builds MPEG-TS packets the way ffmpeg's muxer lays them out.</summary>
internal static class TsPackets
{
    public static byte[] Packet(int pid, bool payloadStart = false, bool randomAccess = false)
    {
        var packet = new byte[TsPacket.Size];
        packet[0] = TsPacket.SyncByte;
        packet[1] = (byte)((payloadStart ? 0x40 : 0) | ((pid >> 8) & 0x1F));
        packet[2] = (byte)(pid & 0xFF);
        packet[3] = (byte)(randomAccess ? 0x30 : 0x10);
        if (randomAccess)
        {
            packet[4] = 7;
            packet[5] = 0x50;
        }

        return packet;
    }

    /// <summary>A PAT naming one program whose map table is on <paramref name="pmtPid"/>.</summary>
    public static byte[] Pat(int pmtPid)
    {
        var packet = Packet(TsPacket.PatPid, payloadStart: true);
        byte[] section = [0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, (byte)(0xE0 | (pmtPid >> 8)), (byte)(pmtPid & 0xFF), 0, 0, 0, 0];
        section.CopyTo(packet, 4);
        return packet;
    }
}
