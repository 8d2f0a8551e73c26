using System.Net;
using Vigil.Media;
using Vigil.Testing;

namespace Vigil.CamSim.Tests;

/// <summary>A real <c>vigil camsim</c> process over HTTP.</summary>
public sealed class CamSimHostTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private VigilProcess _camsim = null!;

    public async Task InitializeAsync() =>
        _camsim = await VigilProcess.StartAsync(["camsim", "--urls", "http://127.0.0.1:0", "--cameras", "2"]);

    [Fact]
    public async Task Two_clients_at_once_get_the_same_live_h264_stream_starting_on_packet_boundaries()
    {
        var a = ReadAsync("cam/1", 200_000);
        var b = ReadAsync("cam/1", 200_000);

        var streams = await Task.WhenAll(a, b);

        foreach (var stream in streams)
        {
            stream.Length.ShouldBeGreaterThanOrEqualTo(200_000);
            for (var offset = 0; offset + TsPacket.Size <= stream.Length; offset += TsPacket.Size)
            {
                stream[offset].ShouldBe(TsPacket.SyncByte, $"packet at {offset}");
            }

            TsPacket.Pid(stream).ShouldBe(TsPacket.PatPid, "a client starts with the PAT");
        }

        // One encoding fanned out: a run of B's packets is, byte for byte, a run of A's. The tables (PAT, PMT) are left out:
        // a client that joins gets the latest ones first, not those sent between the keyframe and its join.
        var tables = new[] { TsPacket.PatPid, TsPacket.ProgramMapPid(streams[0]) ?? -1 };
        var first = Packets(streams[0], tables);
        var second = Packets(streams[1], tables);
        const int Run = 200;
        if (!first.Contains(second[0]))
        {
            // B joined at an earlier keyframe than A: align A on B instead.
            (first, second) = (second, first);
        }

        var at = first.FindIndex(p => p == second[0]);
        at.ShouldBeGreaterThanOrEqualTo(0, "one client's first packet after the tables is among the other's");
        var overlap = Math.Min(Run, Math.Min(first.Count - at, second.Count));
        overlap.ShouldBeGreaterThanOrEqualTo(Run / 2, $"the two clients joined close together (B's first packet is A's {at})");
        var mismatch = Enumerable.Range(0, overlap).FirstOrDefault(i => first[at + i] != second[i], -1);
        mismatch.ShouldBe(-1, $"the same packets in the same order (from A's packet {at}; first difference after {mismatch} packets)");
    }

    /// <summary>Each 188-byte packet but the tables', as text, to compare two clients' streams packet by packet.</summary>
    private static List<string> Packets(byte[] stream, int[] tables) =>
        Enumerable.Range(0, stream.Length / TsPacket.Size)
            .Where(i => !tables.Contains(TsPacket.Pid(stream.AsSpan(i * TsPacket.Size))))
            .Select(i => Convert.ToHexString(stream, i * TsPacket.Size, TsPacket.Size)).ToList();

    [Fact]
    public async Task A_dark_camera_refuses_clients_until_it_is_lit_again_and_others_are_unaffected()
    {
        (await Http.PostAsync(new Uri(_camsim.BaseUrl, "cam/2/dark"), null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        using (var dark = await Http.GetAsync(new Uri(_camsim.BaseUrl, "cam/2"), HttpCompletionOption.ResponseHeadersRead))
        {
            dark.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        (await ReadAsync("cam/1", 10_000)).Length.ShouldBeGreaterThanOrEqualTo(10_000);
        (await Http.PostAsync(new Uri(_camsim.BaseUrl, "cam/2/light"), null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ReadAsync("cam/2", 10_000)).Length.ShouldBeGreaterThanOrEqualTo(10_000);
    }

    [Fact]
    public async Task An_unknown_camera_is_not_found()
    {
        using var response = await Http.GetAsync(new Uri(_camsim.BaseUrl, "cam/3"));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("cameras 1 to 2");
    }

    public async Task DisposeAsync()
    {
        await _camsim.DisposeAsync();
    }

    private async Task<byte[]> ReadAsync(string path, int bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await Http.GetAsync(new Uri(_camsim.BaseUrl, path), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("video/mp2t");
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        var buffer = new byte[bytes];
        await stream.ReadExactlyAsync(buffer, timeout.Token);
        return buffer;
    }
}
