using System.Text.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Hosting;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// A real CMS asked for JSON logs (<c>--log-format json</c>), through a real failover: every log entry is one JSON
/// object with a UTC time, and the engine's entries carry the server, the episode and its epoch as scope fields.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class EngineLogScopeTests() : FailoverSiteTests(cameras: 1, cmsArguments: [LogFormat.OptionName, LogFormat.Json])
{
    [Fact]
    public async Task The_engine_logs_json_with_the_server_episode_and_epoch_of_each_failover()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        await Site.AddAsync(standby, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");

        await recording.KillTreeAsync();
        var failover = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active", "the standby to take the killed server over");

        var entries = await Eventually.GetAsync(() => Task.FromResult(Entries() is var all && all.Any(e => EventId(e) == 3208) ? all : null),
            TimeSpan.FromSeconds(10), "the engine to log the takeover step");
        entries.ShouldAllBe(e => e.GetProperty("Timestamp").GetString()!.EndsWith('Z'));
        var detected = entries.Single(e => EventId(e) == 3201);
        Scope(detected).GetProperty("Server").GetString().ShouldBe("rec");
        var step = entries.First(e => EventId(e) == 3208);
        step.GetProperty("Message").GetString().ShouldBe("Step StartTakeover done: TakingOver -> Active");
        var scope = Scope(step);
        scope.GetProperty("Server").GetString().ShouldBe($"#{rec.Id}");
        scope.GetProperty("Episode").GetInt64().ShouldBe(failover.Id);
        scope.GetProperty("Epoch").GetInt64().ShouldBe(failover.Epoch);
    }

    /// <summary>The CMS's log entries: every line of its output that is not one of the lines it prints at start for the operator.</summary>
    private List<JsonElement> Entries() =>
        [.. Cms.Process.Output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)];

    private static int EventId(JsonElement entry) => entry.GetProperty("EventId").GetInt32();

    private static JsonElement Scope(JsonElement entry) =>
        entry.GetProperty("Scopes").EnumerateArray().Single(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("Server", out _));
}
