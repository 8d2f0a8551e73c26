using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Agent.Restore;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Api;

/// <summary>
/// A restored recording's copy continues where it stopped, within the file: after the sender broke off, and after
/// the recording server itself was killed mid-file. Nothing is written into a space that cannot hold the rest, and
/// a body longer than announced is cut off.
/// </summary>
public sealed class ResumedRestoreTests
{
    /// <summary>The agent's read buffer for a restored file: at most this much of what reached it can be lost when it is killed.</summary>
    private const int OneBuffer = RestoredFiles.BufferBytes;

    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_copy_cut_short_is_held_in_part_and_a_put_from_that_offset_completes_it()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var recording = Describe(bytes);

        var first = await PutAsync(agent, recording, 0, bytes.AsMemory(0, 120_000));

        first.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await RuleOf(first)).ShouldBe("restore.incomplete");
        (await CheckAsync(agent, recording)).ShouldBe(new RestoreHolding("cam-1", RecordingKind.Video, recording.Sha256, false, 120_000, recording.Start, recording.End));
        (await agent.RecordingsAsync()).ShouldBeEmpty("part of a file is not footage yet");

        var ahead = await PutAsync(agent, recording, 200_000, bytes.AsMemory(200_000));
        ahead.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await RuleOf(ahead)).ShouldBe("restore.offset-ahead");

        var rest = await PutAsync(agent, recording, 120_000, bytes.AsMemory(120_000));

        rest.StatusCode.ShouldBe(HttpStatusCode.OK, await rest.Content.ReadAsStringAsync());
        (await agent.RecordingsAsync()).Single().Sha256.ShouldBe(recording.Sha256);
        (await File.ReadAllBytesAsync(RestoredFile(agent))).ShouldBe(bytes);
        (await CheckAsync(agent, recording))!.Complete.ShouldBeTrue();
    }

    [Fact]
    public async Task The_recording_server_killed_mid_file_resumes_losing_at_most_one_buffer_of_what_it_received()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(48 * 1024 * 1024);
        var recording = Describe(bytes);
        const int sentBeforeKill = 20 * 1024 * 1024;
        using var held = new HeldBody(bytes, sentBeforeKill);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"{AgentRoutes.RestoredRecordings.TrimStart('/')}?{recording.ToQuery()}")
        {
            Content = new StreamContent(held),
        };
        put.Content.Headers.ContentLength = bytes.Length;
        var sending = agent.Http.SendAsync(put);

        await Eventually.UntilAsync(async () => (await CheckAsync(agent, recording))?.PartialBytes >= sentBeforeKill - OneBuffer,
            TimeSpan.FromSeconds(30), "the agent to write what was sent before the kill");
        await agent.Process.KillAsync();
        held.Dispose();
        await Should.ThrowAsync<Exception>(() => sending);
        await agent.StartAsync();

        var kept = (await CheckAsync(agent, recording))!.PartialBytes;
        kept.ShouldBeInRange(sentBeforeKill - OneBuffer, sentBeforeKill, "what reached the killed agent is kept but for at most one buffer");
        var rest = await PutAsync(agent, recording, kept, bytes.AsMemory((int)kept));

        rest.StatusCode.ShouldBe(HttpStatusCode.OK, await rest.Content.ReadAsStringAsync());
        (await agent.RecordingsAsync()).Single().Bytes.ShouldBe(bytes.Length);
        SHA256.HashData(await File.ReadAllBytesAsync(RestoredFile(agent))).ShouldBe(SHA256.HashData(bytes));
    }

    [Fact]
    public async Task Segments_of_the_same_bytes_from_other_times_are_received_side_by_side_and_each_resumes_its_own_part()
    {
        // A dark camera: a standby's segments can hold the same bytes, and the restore sends several files at once.
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(4 * OneBuffer);
        var first = Describe(bytes);
        var later = first with { Start = Start.AddSeconds(10), End = Start.AddSeconds(12) };
        using var held = new HeldBody(bytes, 2 * OneBuffer);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"{AgentRoutes.RestoredRecordings.TrimStart('/')}?{first.ToQuery()}")
        {
            Content = new StreamContent(held),
        };
        put.Content.Headers.ContentLength = bytes.Length;
        var sending = agent.Http.SendAsync(put);
        await Eventually.UntilAsync(async () => (await CheckAsync(agent, first))?.PartialBytes > 0,
            TimeSpan.FromSeconds(30), "the agent to write the first segment's bytes sent so far");

        var beside = await PutAsync(agent, later, 0, bytes);

        beside.StatusCode.ShouldBe(HttpStatusCode.OK, "not busy: it is another file, " + await beside.Content.ReadAsStringAsync());
        held.Dispose();
        await Should.ThrowAsync<HttpRequestException>(() => sending, "the sender broke off mid-file");
        await Eventually.UntilAsync(async () => (await CheckAsync(agent, first))?.PartialBytes == 2 * OneBuffer,
            TimeSpan.FromSeconds(30), "the first copy's part to be its own, whole, not taken by the second");
        (await PutAsync(agent, first, 2 * OneBuffer, bytes.AsMemory(2 * OneBuffer))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await agent.RecordingsAsync()).Select(r => r.Start).ShouldBe([first.Start, later.Start], ignoreOrder: true);
    }

    [Fact]
    public async Task A_space_that_cannot_hold_the_rest_refuses_before_writing_anything()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(1000);
        var free = new DriveInfo(agent.Space(1)).AvailableFreeSpace;
        var tooBig = Describe(bytes) with { Bytes = free + (1024L * 1024 * 1024) };

        var response = await PutAsync(agent, tooBig, 0, bytes);

        response.StatusCode.ShouldBe(HttpStatusCode.InsufficientStorage);
        (await RuleOf(response)).ShouldBe("restore.space-full");
        (await CheckAsync(agent, tooBig)).ShouldBeNull("not a byte was written");
    }

    [Fact]
    public async Task More_bytes_than_announced_are_cut_off_and_nothing_is_kept()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        var announced = Describe(bytes) with { Bytes = 100_000 };

        var response = await agent.Http.PutAsync($"{AgentRoutes.RestoredRecordings.TrimStart('/')}?{announced.ToQuery()}", new StreamContent(new MemoryStream(bytes)));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await RuleOf(response)).ShouldBe("restore.too-large");
        (await CheckAsync(agent, announced)).ShouldBeNull();
        (await agent.RecordingsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_catalog_is_listed_a_page_at_a_time_with_the_totals_in_all_and_by_camera_on_the_first_page()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var sizes = new[] { 1000, 2000, 3000, 4000, 5000 };
        foreach (var (size, index) in sizes.Select((s, i) => (s, i)))
        {
            var bytes = RandomNumberGenerator.GetBytes(size);
            var recording = Describe(bytes) with
            {
                CameraId = index % 2 == 0 ? "cam-1" : "cam-2", FileName = $"10000000{index}-000001.ts", Start = Start.AddSeconds(2 * index), End = Start.AddSeconds(2 * index + 2),
            };
            (await PutAsync(agent, recording, 0, bytes)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var pages = new List<RecordingList>();
        long? after = null;
        do
        {
            var page = (await agent.GetAsync<RecordingList>($"{AgentRoutes.Recordings}?owner=own&limit=2" + (after is null ? string.Empty : $"&after={after}")))!;
            pages.Add(page);
            after = page.Next;
        }
        while (after is not null && pages.Count < 10);

        pages.Select(p => p.Recordings.Count).ShouldBe([2, 2, 1]);
        var totals = pages[0].Totals.ShouldNotBeNull();
        (totals.Files, totals.Bytes).ShouldBe((5, sizes.Sum()));
        totals.Cameras.ShouldBe([new CameraTotals("cam-1", 3, 1000 + 3000 + 5000), new CameraTotals("cam-2", 2, 2000 + 4000)]);
        pages.Skip(1).ShouldAllBe(p => p.Totals == null);
        pages.SelectMany(p => p.Recordings).Select(r => r.Bytes).ShouldBe(sizes.Select(s => (long)s));
        (await agent.Http.GetAsync($"{AgentRoutes.Recordings.TrimStart('/')}?owner=own&limit={RecordingList.MaxPageSize + 1}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static string RestoredFile(AgentUnderTest agent) =>
        Path.Combine(agent.Space(1), "own", "cam-1", "2026-11-23", "restored-100000000-000001.ts");

    private static RestoredRecording Describe(byte[] bytes) =>
        new("cam-1", RecordingKind.Video, Start, Start.AddSeconds(2), bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), "2026-11-23", "100000000-000001.ts");

    private static Task<HttpResponseMessage> PutAsync(AgentUnderTest agent, RestoredRecording recording, long offset, ReadOnlyMemory<byte> body) =>
        agent.Http.PutAsync($"{AgentRoutes.RestoredRecordings.TrimStart('/')}?{recording.ToQuery(offset)}", new ReadOnlyMemoryContent(body));

    private static async Task<RestoreHolding?> CheckAsync(AgentUnderTest agent, RestoredRecording recording)
    {
        var response = await agent.Http.PostAsJsonAsync(AgentRoutes.RestoredRecordingsCheck.TrimStart('/'), new RestoreCheck([recording.Identity]), ContractJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RestoreCheckResult>(ContractJson.Options))!.Held.SingleOrDefault();
    }

    private static async Task<string?> RuleOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString();

    /// <summary>A request body that hands over its first <c>count</c> bytes, then waits until it is disposed: a sender stuck mid-file.</summary>
    private sealed class HeldBody(byte[] bytes, int count) : Stream
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= count)
            {
                await _released.Task.WaitAsync(cancellationToken);
                throw new IOException("the sender is gone");
            }

            var n = Math.Min(buffer.Length, count - _position);
            bytes.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _released.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
