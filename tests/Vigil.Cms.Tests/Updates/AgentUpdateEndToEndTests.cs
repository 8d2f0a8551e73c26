using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Hosting.Updates;
using Vigil.Testing;
using Vigil.Testing.Updates;
using Xunit.Abstractions;

namespace Vigil.Cms.Tests.Updates;

/// <summary>
/// Agent updates on a real site (<see cref="UpdateSite"/>): an online update of a group from a feed folder, where the
/// standby is updated in place first and the protected recording server rolls through a planned failover with no gap in
/// its camera timeline (read from the segment files); a manual update; bad packages refused at upload with their rule; a
/// package whose program fails the new version's check rolled back by the agent and reported; a CMS killed while it sends
/// the package carrying on after its restart (the package sent again, the failover adopted).
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class AgentUpdateEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan UpdateDeadline = TimeSpan.FromMinutes(4);

    private UpdateSite _site = null!;

    private CmsUnderTest Cms => _site.Cms;

    public async Task InitializeAsync() => _site = await UpdateSite.StartAsync(cameras: 2);

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task An_online_update_of_a_group_updates_the_standby_in_place_and_rolls_the_recording_server_with_no_gap()
    {
        var (recording, standby, rec, sb) = await ProtectedGroupAsync();
        var feed = Path.Combine(_site.Root, "feed");
        await UpdateFeed.PublishAsync(feed, [_site.NewPackage], CancellationToken.None);
        (await Cms.PutAsync(CmsRoutes.AgentUpdateSettings, new UpdateSettingsView(feed))).EnsureSuccessStatusCode();

        var available = await Cms.GetAsync<AvailableUpdates>(CmsRoutes.AvailableAgentUpdates);
        available.Error.ShouldBeNull();
        available.CmsVersion.ShouldBe(UpdateSite.NewVersion);
        available.Versions.ShouldHaveSingleItem().Version.ShouldBe(UpdateSite.NewVersion);
        available.Servers.Single(s => s.ServerId == rec.Id).Versions.ShouldBe([UpdateSite.NewVersion]);

        var started = await Cms.PostAsync(CmsRoutes.AgentUpdates, new StartUpdateRequest([rec.Id, sb.Id], Version: UpdateSite.NewVersion));
        await started.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        var again = await Cms.PostAsync(CmsRoutes.AgentUpdates, new StartUpdateRequest([rec.Id], Version: UpdateSite.NewVersion));
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, "update.already-updating");

        var ended = await AwaitEndAsync(2);
        ended.ShouldAllBe(u => u.Step == "done", string.Join("; ", ended.Select(u => $"{u.ServerName}: {u.Step} {u.Reason}")));
        ended.Single(u => u.ServerId == sb.Id).Route.ShouldBe("in_place");
        var rolled = ended.Single(u => u.ServerId == rec.Id);
        rolled.Route.ShouldBe("rolling");
        rolled.FailoverId.ShouldNotBeNull();
        ended.Single(u => u.ServerId == sb.Id).EndedAt!.Value.ShouldBeLessThan(rolled.StartedAt!.Value, "the standby goes first: one server per group");

        (await IdentityAsync(recording)).Version.ShouldBe(UpdateSite.NewVersion);
        (await IdentityAsync(standby)).Version.ShouldBe(UpdateSite.NewVersion);
        UpdateBuilds.CurrentTarget(_site.InstallOf("rec")).ShouldBe(Path.Combine("versions", UpdateSite.NewVersion));

        var events = (await Cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={rec.Id}&limit=200")).Events;
        events.Where(e => e.Kind == "update").Select(e => e.To).Reverse().ShouldBe(["queued", "downloading", "handing_over", "updating", "handing_back", "done"]);
        events.ShouldContain(e => e.Kind == "failover" && e.To == "completed");
        var failover = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id));
        output.WriteLine($"rolling update: restored {failover.Restore?.FilesCopied} files of the failover {failover.Id}");

        // The recording server's own timeline, its restored footage included, has no hole across the update.
        foreach (var camera in new[] { "cam-1", "cam-2" })
        {
            var timeline = await CameraTimeline.ReadAsync(_site.OwnSegments("rec", camera));
            output.WriteLine($"{camera}: {timeline.Segments.Count} segments, {timeline.Covered:0.0} s covered, longest gap {timeline.LongestGap():0.00} s");
            timeline.LongestGap().ShouldBeLessThan(1.0, $"{camera} lost camera time during the rolling update");
        }

        var list = await Cms.GetAsync<ServerList>(CmsRoutes.Servers);
        list.Servers.Single(s => s.Id == rec.Id).Update!.Step.ShouldBe("done");
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id))).AgentVersion == UpdateSite.NewVersion,
            TimeSpan.FromSeconds(30), "the CMS to copy the new version into its inventory");
    }

    [Fact]
    public async Task Bad_packages_are_refused_at_upload_with_their_reason_and_a_manual_update_that_fails_its_check_is_rolled_back()
    {
        var agent = await _site.StartAgentAsync("rec", 1);
        var rec = await _site.AddAsync(agent, ServerRoleName.Recording);

        // Altered after signing: one byte of the program changed.
        var altered = Path.Combine(_site.Root, "altered.vup");
        await AlterAsync(_site.NewPackage, "files/vigil.dll", altered);
        await (await UploadAsync(altered)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, UpdateRules.FileAltered);

        // Signed by a key this CMS does not trust.
        using var stranger = UpdateSigningKey.Create(Path.Combine(_site.Root, "stranger"));
        var foreign = Path.Combine(_site.Root, "foreign.vup");
        await UpdateBuilds.PackageAsync(_site.NewProgram, UpdateSite.NewVersion, stranger, foreign);
        await (await UploadAsync(foreign)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, UpdateRules.UnknownKey);

        // Not a package at all (unsigned).
        var junk = Path.Combine(_site.Root, "junk.vup");
        await File.WriteAllTextAsync(junk, "not a package");
        (await UploadAsync(junk)).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        // A good package of the agent's own version is kept, but updating to it is refused: an update only moves forward.
        var same = Path.Combine(_site.Root, "same.vup");
        await UpdateBuilds.PackageAsync(_site.NewProgram, UpdateBuilds.TestBuildVersion, _site.Key, same);
        var kept = await (await UploadAsync(same)).Content.ReadFromJsonAsync<UpdatePackageView>(ContractJson.Options);
        await (await Cms.PostAsync(CmsRoutes.AgentUpdates, new StartUpdateRequest([rec.Id], PackageId: kept!.Id)))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "update.not-newer");

        // A package that says 0.1.1 but holds the old program: the agent's health check sees the wrong version and rolls back.
        var mislabelled = Path.Combine(_site.Root, "mislabelled.vup");
        await UpdateBuilds.PackageAsync(Path.GetDirectoryName(VigilProcess.EntryAssembly)!, UpdateSite.NewVersion, _site.Key, mislabelled);
        var package = await (await UploadAsync(mislabelled)).Content.ReadFromJsonAsync<UpdatePackageView>(ContractJson.Options);
        (await Cms.PostAsync(CmsRoutes.AgentUpdates, new StartUpdateRequest([rec.Id], PackageId: package!.Id))).EnsureSuccessStatusCode();
        var ended = (await AwaitEndAsync(1)).Single();
        output.WriteLine($"{ended.Step}: {ended.Reason}");
        ended.Step.ShouldBe("rolled_back");
        ended.Route.ShouldBe("in_place");
        ended.Reason.ShouldNotBeNull().ShouldContain(UpdateBuilds.TestBuildVersion);
        (await IdentityAsync(agent)).Version.ShouldBe(UpdateBuilds.TestBuildVersion);
        UpdateBuilds.CurrentTarget(_site.InstallOf("rec")).ShouldBe(Path.Combine("versions", UpdateBuilds.TestBuildVersion));
    }

    [Fact]
    public async Task A_cms_killed_during_a_rolling_update_started_from_the_admin_client_carries_it_on_after_its_restart_with_one_failover()
    {
        var (recording, _, rec, _) = await ProtectedGroupAsync();

        // Started as an operator would: the admin client uploads the package (printing its progress) and queues the update.
        using var cli = new AdminCli();
        (await cli.RunAsync("login", "--cms", Cms.Process.BaseUrl.ToString(), "--password", CmsUnderTest.Password)).ShouldSucceed();
        var started = (await cli.RunAsync("server", "update", "rec", "--file", _site.NewPackage)).ShouldSucceed();
        started.ShouldContain("100%");
        started.ShouldContain($"package {UpdateSite.NewVersion} verified");
        started.ShouldContain("queued");
        // Killed while the package is on its way (or being checked by the agent): the agent drops it, and the restarted CMS
        // must see that nothing arrived and send it again, not wait for an update the agent never got.
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<ServerUpdateList>(CmsRoutes.AgentUpdates)).Updates.Single() is
            { Step: "updating" } update && update.Detail.StartsWith("sending package", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the CMS to send the package");

        await Cms.Process.KillAsync();
        await Cms.StartAsync();

        var ended = (await AwaitEndAsync(1)).Single();
        // What the restarted CMS did about the package (sent again, or found installed), for whoever reads a failure.
        foreach (var line in Cms.Process.Output.Split('\n').Where(l => l.Contains("UpdateRunner", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        ended.Step.ShouldBe("done", ended.Reason);
        (await IdentityAsync(recording)).Version.ShouldBe(UpdateSite.NewVersion);
        var events = (await Cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={rec.Id}&limit=200")).Events;
        events.Count(e => e.Kind == "failover" && e.From == "normal").ShouldBe(1, "the restarted CMS adopted the update's failover instead of beginning another");
        events.ShouldContain(e => e.Kind == "failover" && e.To == "completed");
    }

    private async Task<(VigilProcess Recording, VigilProcess Standby, ServerView Rec, ServerView Sb)> ProtectedGroupAsync()
    {
        var recording = await _site.StartAgentAsync("rec", 1, 2);
        var standby = await _site.StartAgentAsync("standby");
        var rec = await _site.AddAsync(recording, ServerRoleName.Recording);
        var sb = await _site.AddAsync(standby, ServerRoleName.Standby);
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id))).Status.Code == "normal_protected",
            TimeSpan.FromSeconds(60), "the recording server to be protected");
        await Eventually.UntilAsync(() => _site.OwnSegments("rec", "cam-1").Count >= 2, TimeSpan.FromSeconds(30), "the recording server to record");
        return (recording, standby, rec, sb);
    }

    /// <summary>Waits for the updates to end, writing each change of their steps to the test's output: a run that times out says where it stood.</summary>
    private async Task<IReadOnlyList<ServerUpdateView>> AwaitEndAsync(int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = "";
        return await Eventually.GetAsync(async () =>
        {
            var updates = (await Cms.GetAsync<ServerUpdateList>(CmsRoutes.AgentUpdates)).Updates;
            var now = string.Join("; ", updates.Select(u => $"{u.ServerName}: {u.Step} ({u.Detail})"));
            if (now != last)
            {
                output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {now}");
                last = now;
            }

            return updates.Count == count && updates.All(u => u.Step is "done" or "failed" or "rolled_back") ? updates : null;
        }, UpdateDeadline, "every update to end");
    }

    private async Task<HttpResponseMessage> UploadAsync(string file)
    {
        var content = new StreamContent(File.OpenRead(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await Cms.Http.PostAsync(CmsRoutes.AgentUpdatePackages.TrimStart('/'), content);
    }

    private static async Task<AgentIdentityView> IdentityAsync(VigilProcess agent) =>
        await Eventually.GetAsync(async () =>
        {
            using var http = new HttpClient { BaseAddress = agent.BaseUrl };
            try
            {
                return await http.GetFromJsonAsync<AgentIdentityView>(AgentRoutes.Identity.TrimStart('/'), ContractJson.Options);
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(60), "the agent to answer");

    /// <summary>Copies a package to <paramref name="copy"/> with the first byte of <paramref name="entry"/> inverted, as a bad mirror or an attacker would.</summary>
    private static async Task AlterAsync(string package, string entry, string copy)
    {
        await using var input = new GZipStream(File.OpenRead(package), CompressionMode.Decompress);
        await using var output = new GZipStream(File.Create(copy), CompressionLevel.Fastest);
        using var reader = new TarReader(input);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax);
        while (await reader.GetNextEntryAsync(copyData: true) is { } next)
        {
            if (next.Name == entry && next.DataStream is { } data)
            {
                var bytes = new byte[data.Length];
                await data.ReadExactlyAsync(bytes);
                bytes[0] ^= 0xFF;
                next.DataStream = new MemoryStream(bytes);
            }

            await writer.WriteEntryAsync(next);
        }
    }
}
