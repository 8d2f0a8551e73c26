using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Agent.Updates;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting.Updates;
using Vigil.Testing;
using Vigil.Testing.Updates;

namespace Vigil.Agent.Tests.Updates;

/// <summary>
/// A real agent, run from an installed layout as 0.1.0, updated over HTTPS with the CMS's credential to a real build of
/// 0.1.1: it restarts by itself into the new version and keeps its credential, cameras and recordings; a package whose
/// program is not the version it claims is rolled back by the new process itself; bad packages are refused.
/// </summary>
[Collection(CameraSimulatorGroup.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentUpdateTests(CameraSimulatorFixture cameras, AgentUpdateFixture builds) : IClassFixture<AgentUpdateFixture>
{
    [Fact]
    public async Task An_agent_updates_itself_restarts_into_the_new_version_and_keeps_its_credential_cameras_and_recordings()
    {
        await using var agent = await InstalledAgent.StartAsync("--camera", $"lobby={cameras.CameraUrl(1)}");
        var before = await Eventually.GetAsync(async () => await agent.RecordingsAsync("lobby") is { Count: >= 2 } r ? r : null, TimeSpan.FromSeconds(40), "two segments of lobby");
        var idle = await agent.UpdateStatusAsync();
        idle.ShouldBe(idle with { State = AgentUpdateStates.Idle, RunningVersion = "0.1.0", Updatable = true, NotUpdatableReason = null });

        using var response = await agent.PostUpdateAsync(builds.Package, builds.Key.HeaderValue);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var accepted = (await response.Content.ReadFromJsonAsync<AgentUpdateStatus>(ContractJson.Options))!;
        (accepted.State, accepted.FromVersion, accepted.ToVersion).ShouldBe((AgentUpdateStates.Restarting, "0.1.0", "0.1.1"));
        var updated = await agent.WaitForAsync("0.1.1", AgentUpdateStates.Updated);
        (updated.FromVersion, updated.Reason).ShouldBe(("0.1.0", null));
        UpdateBuilds.CurrentTarget(agent.ProgramRoot).ShouldBe(Path.Combine("versions", "0.1.1"));
        string.Join(' ', Directory.EnumerateDirectories(Path.Combine(agent.ProgramRoot, "versions")).Select(Path.GetFileName).Order()).ShouldBe("0.1.0 0.1.1", "no partial folder is left");

        // The same credential, cameras and recordings; and it records again.
        (await agent.Http.GetFromJsonAsync<AgentIdentityView>(AgentRoutes.Identity.TrimStart('/'), ContractJson.Options))!.Version.ShouldBe("0.1.1");
        (await agent.Http.GetFromJsonAsync<List<CameraConfig>>(AgentRoutes.Cameras.TrimStart('/'), ContractJson.Options))!.Select(c => c.Id).ShouldBe(["lobby"]);
        var after = await agent.RecordingsAsync("lobby");
        before.ShouldAllBe(r => after.Any(a => a.Id == r.Id && a.Sha256 == r.Sha256));
        await Eventually.UntilAsync(async () => (await agent.RecordingsAsync("lobby")).Any(r => r.Start > updated.At), TimeSpan.FromSeconds(40), "a segment recorded by 0.1.1");
        var audit = (await agent.Http.GetFromJsonAsync<AuditList>($"{AgentRoutes.Audit.TrimStart('/')}?limit=20", ContractJson.Options))!.Entries.Select(e => e.Action).ToList();
        audit.ShouldContain("update.install");
        audit.ShouldContain("update.updated");
        var stateFile = Path.Combine(agent.Root, "data", "update", "state.json");
        File.GetUnixFileMode(stateFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Exists(Path.Combine(agent.Root, "data", "update", "agent-before-0.1.1.db")).ShouldBeTrue("the database as it was before the switch is kept");
    }

    [Fact]
    public async Task A_new_version_that_is_not_what_the_package_claimed_rolls_itself_back_and_the_old_version_answers_again()
    {
        await using var agent = await InstalledAgent.StartAsync();

        using var response = await agent.PostUpdateAsync(builds.MislabelledPackage, builds.Key.HeaderValue);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var rolledBack = await agent.WaitForAsync("0.1.0", AgentUpdateStates.RolledBack);
        (rolledBack.FromVersion, rolledBack.ToVersion).ShouldBe(("0.1.0", "0.1.2"));
        rolledBack.Reason.ShouldNotBeNull().ShouldContain("reports version 0.1.1");
        UpdateBuilds.CurrentTarget(agent.ProgramRoot).ShouldBe(Path.Combine("versions", "0.1.0"));
        var audit = (await agent.Http.GetFromJsonAsync<AuditList>($"{AgentRoutes.Audit.TrimStart('/')}?limit=20", ContractJson.Options))!.Entries;
        audit.ShouldContain(e => e.Action == "update" && e.Detail.Contains("rolled back from 0.1.2 to 0.1.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_version_that_keeps_failing_to_start_is_rolled_back_by_its_next_start()
    {
        // As a crash loop under systemd leaves it: current switched to 0.1.1, which has started (and died) as often as allowed.
        var program = await UpdateBuilds.ProgramAsync("0.1.1");
        await using var agent = await InstalledAgent.StartAsync(root =>
        {
            var programRoot = Path.Combine(root, "program");
            UpdateBuilds.AddVersion(programRoot, "0.1.1", program);
            UpdateBuilds.PointCurrentAt(programRoot, "0.1.1");
            new UpdateStateFile(Path.Combine(root, "data")).Write(new UpdateState(
                AgentUpdateStates.Confirming, "0.1.0", "0.1.1", null, TimeProvider.System.GetUtcNow(), Starts: AgentUpdates.MaxStarts, PreviousTarget: Path.Combine("versions", "0.1.0")));
            return Task.CompletedTask;
        });

        var status = await agent.WaitForAsync("0.1.0", AgentUpdateStates.RolledBack);

        status.Reason.ShouldNotBeNull().ShouldContain($"started {AgentUpdates.MaxStarts} times without passing its health check");
        UpdateBuilds.CurrentTarget(agent.ProgramRoot).ShouldBe(Path.Combine("versions", "0.1.0"));
        agent.Process.Output.ShouldContain("Update to vigil 0.1.1 failed its check, rolling back");
    }

    [Fact]
    public async Task Bad_packages_are_refused_with_their_rule_and_nothing_is_switched()
    {
        await using var agent = await InstalledAgent.StartAsync();
        using var stranger = UpdateSigningKey.Create(Path.Combine(agent.Root, "stranger"));
        var older = Path.Combine(agent.Root, "older.vup");
        var junk = Path.Combine(agent.Root, "junk.vup");
        await File.WriteAllTextAsync(junk, "not a package");
        var tiny = Path.Combine(agent.Root, "tiny");
        Directory.CreateDirectory(tiny);
        await File.WriteAllTextAsync(Path.Combine(tiny, "vigil"), "#!/bin/sh\n");
        await UpdateBuilds.PackageAsync(tiny, "0.0.9", builds.Key, older);

        (await RuleAsync(await agent.PostUpdateAsync(builds.Package, stranger.HeaderValue), HttpStatusCode.UnprocessableEntity)).ShouldBe(UpdateRules.UnknownKey);
        (await RuleAsync(await agent.PostUpdateAsync(builds.Package, null), HttpStatusCode.UnprocessableEntity)).ShouldBe(UpdateRules.NoKeys);
        (await RuleAsync(await agent.PostUpdateAsync(older, builds.Key.HeaderValue), HttpStatusCode.UnprocessableEntity)).ShouldBe(UpdateRules.NotNewer);
        (await RuleAsync(await agent.PostUpdateAsync(junk, builds.Key.HeaderValue), HttpStatusCode.UnprocessableEntity)).ShouldBe(UpdateRules.Malformed);
        using (var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = agent.Http.BaseAddress })
        {
            (await anonymous.PostAsync(AgentRoutes.Update.TrimStart('/'), new ByteArrayContent([1]))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var status = await agent.UpdateStatusAsync();
        (status.State, status.RunningVersion).ShouldBe((AgentUpdateStates.Failed, "0.1.0"));
        status.Reason.ShouldNotBeNull().ShouldContain("not a readable tar");
        UpdateBuilds.CurrentTarget(agent.ProgramRoot).ShouldBe(Path.Combine("versions", "0.1.0"));
        Directory.EnumerateDirectories(Path.Combine(agent.ProgramRoot, "versions")).Select(Path.GetFileName).ShouldBe(["0.1.0"]);
        string.Join(' ', Directory.EnumerateFiles(Path.Combine(agent.Root, "data", "update")).Select(Path.GetFileName)).ShouldBe("state.json", "refused packages are not kept");
        agent.Process.HasExited.ShouldBeFalse();
    }

    [Fact]
    public async Task A_development_build_says_why_it_cannot_update_itself_and_refuses_a_package()
    {
        await using var agent = await AgentUnderTest.StartAsync([], scheme: "https");

        var status = (await agent.GetAsync<AgentUpdateStatus>(AgentRoutes.Update))!;
        using var response = await agent.Http.PostAsync(AgentRoutes.Update.TrimStart('/'), new StreamContent(File.OpenRead(builds.Package)));

        status.Updatable.ShouldBeFalse();
        status.NotUpdatableReason.ShouldNotBeNull().ShouldContain("not in an installed layout");
        (await RuleAsync(response, HttpStatusCode.UnprocessableEntity)).ShouldBe(UpdateRules.NotUpdatable);
    }

    private static async Task<string> RuleAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(expected, body);
            return JsonDocument.Parse(body).RootElement.GetProperty("rule").GetString()!;
        }
    }
}
