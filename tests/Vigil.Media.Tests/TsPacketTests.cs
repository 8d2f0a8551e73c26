namespace Vigil.Media.Tests;

public class TsPacketTests
{
    [Fact]
    public void Reads_the_pid() => TsPacket.Pid(TsPackets.Packet(0x1FFF)).ShouldBe(0x1FFF);

    [Fact]
    public void Sees_a_random_access_point_only_where_the_adaptation_field_marks_one()
    {
        TsPacket.IsRandomAccess(TsPackets.Packet(0x100, payloadStart: true, randomAccess: true)).ShouldBeTrue();
        TsPacket.IsRandomAccess(TsPackets.Packet(0x100, payloadStart: true)).ShouldBeFalse();
    }

    [Fact]
    public void Finds_the_program_map_pid_in_a_pat() => TsPacket.ProgramMapPid(TsPackets.Pat(0x1000)).ShouldBe(0x1000);

    [Fact]
    public void A_packet_that_does_not_start_a_section_names_no_program_map() =>
        TsPacket.ProgramMapPid(TsPackets.Packet(TsPacket.PatPid)).ShouldBeNull();
}
