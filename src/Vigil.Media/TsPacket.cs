namespace Vigil.Media;

/// <summary>Just enough of MPEG-TS (ISO/IEC 13818-1) to fan a live stream out to late joiners.</summary>
public static class TsPacket
{
    public const int Size = 188;
    public const byte SyncByte = 0x47;
    public const int PatPid = 0;

    public static int Pid(ReadOnlySpan<byte> packet) => ((packet[1] & 0x1F) << 8) | packet[2];

    /// <summary>Whether the packet's adaptation field marks a random access point (a keyframe starts here).</summary>
    public static bool IsRandomAccess(ReadOnlySpan<byte> packet)
    {
        var hasAdaptation = (packet[3] & 0x20) != 0;
        return hasAdaptation && packet[4] > 0 && (packet[5] & 0x40) != 0;
    }

    /// <summary>The PID of the first program's map table, from a PAT packet; null if the packet holds none.</summary>
    public static int? ProgramMapPid(ReadOnlySpan<byte> pat)
    {
        var payload = 4;
        if ((pat[3] & 0x20) != 0)
        {
            payload += 1 + pat[4];
        }

        if ((pat[1] & 0x40) == 0 || payload >= Size)
        {
            return null;
        }

        var section = payload + 1 + pat[payload];
        if (section + 8 >= Size || pat[section] != 0x00)
        {
            return null;
        }

        var sectionLength = ((pat[section + 1] & 0x0F) << 8) | pat[section + 2];
        var end = Math.Min(section + 3 + sectionLength - 4, Size);
        for (var entry = section + 8; entry + 4 <= end; entry += 4)
        {
            var program = (pat[entry] << 8) | pat[entry + 1];
            if (program != 0)
            {
                return ((pat[entry + 2] & 0x1F) << 8) | pat[entry + 3];
            }
        }

        return null;
    }
}
