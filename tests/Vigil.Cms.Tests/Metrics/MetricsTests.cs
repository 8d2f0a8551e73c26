using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Hosting.Metrics;
using Vigil.Media;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Metrics;

/// <summary>
/// <c>/metrics</c> of a real CMS and a real agent, as Prometheus reads them: open to the scrape token and to the
/// server's own credentials, to nobody else, and the token opens nothing but <c>/metrics</c>; the text passes
/// Prometheus' own <c>promtool check metrics</c>; the figures follow a real failover.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class MetricsTests : FailoverSiteTests
{
    private static readonly string Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    // The scrape token's file, one per test, so the test that wrote it removes it.
    private readonly string _tokenFile;

    public MetricsTests()
        : this(WriteTokenFile())
    {
    }

    private MetricsTests(string tokenFile)
        : base(cameras: 1, cmsArguments: [ScrapeToken.OptionName, tokenFile]) => _tokenFile = tokenFile;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_tokenFile)!, recursive: true);
    }

    [Fact]
    public async Task The_cms_and_an_agent_export_checked_metrics_to_the_scrape_token_and_count_a_failover()
    {
        var recording = await Site.StartAgentWithArgumentsAsync("rec", [ScrapeToken.OptionName, _tokenFile], 1);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        await Site.AddAsync(standby, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");

        using var anonymous = Cms.NewClient();
        (await anonymous.GetAsync(new Uri(MetricsEndpoint.Path, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var wrong = WithBearer(Cms.NewClient(), new string('x', 48));
        (await wrong.GetAsync(new Uri(MetricsEndpoint.Path, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var scraper = WithBearer(Cms.NewClient(), Token);
        (await scraper.GetAsync(new Uri(CmsRoutes.Servers, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Cms.Http.GetAsync(new Uri(MetricsEndpoint.Path, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var cms = await Eventually.GetAsync(
            async () => await ScrapeAsync(scraper) is var text && Value(text, "vigil_probe_duration_seconds_count") >= 3
                && Value(text, """vigil_servers{role="recording",status="normal_protected"}""") == 1 ? text : null,
            TimeSpan.FromSeconds(30), "the CMS to export its probes and the protected server");
        Value(cms, """vigil_servers{role="standby",status="normal_ready"}""").ShouldBe(1);
        Value(cms, """vigil_failovers_open{phase="active"}""").ShouldBe(0);
        Value(cms, """vigil_probe_failures_total{kind="timeout"}""").ShouldBe(0);
        Value(cms, "vigil_cms_probe_round_lag_seconds").ShouldBeLessThan(1);
        Value(cms, "process_cpu_seconds_total").ShouldBeGreaterThan(0);
        await PromtoolAcceptsAsync(cms);

        using var agentAnonymous = new HttpClient { BaseAddress = recording.BaseUrl };
        (await agentAnonymous.GetAsync(new Uri(MetricsEndpoint.Path, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var agentScraper = WithBearer(new HttpClient { BaseAddress = recording.BaseUrl }, Token);
        (await agentScraper.GetAsync(new Uri(AgentRoutes.Health, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var agent = await Eventually.GetAsync(
            async () => await ScrapeAsync(agentScraper) is var text && Value(text, """vigil_camera_segments_total{owner="own",camera="cam-1"}""") >= 2
                && Value(text, """vigil_camera_recording{owner="own",camera="cam-1"}""") == 1 ? text : null,
            TimeSpan.FromSeconds(30), "the agent to export its camera's recording");
        Value(agent, """vigil_camera_bytes_total{owner="own",camera="cam-1"}""").ShouldBeGreaterThan(0);
        Value(agent, """vigil_camera_last_segment_age_seconds{owner="own",camera="cam-1"}""").ShouldBeLessThan(10);
        Regex.IsMatch(agent, @"^vigil_space_free_bytes\{space=""[^""]+""\} [1-9]", RegexOptions.Multiline).ShouldBeTrue(agent);
        await PromtoolAcceptsAsync(agent);
        DashboardQueriesOnlyExported(cms + agent);

        await recording.KillTreeAsync();
        await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active", "the standby to take the killed server over");
        var after = await Eventually.GetAsync(
            async () => await ScrapeAsync(scraper) is var text && Value(text, """vigil_failovers_open{phase="active"}""") == 1 ? text : null,
            TimeSpan.FromSeconds(10), "the open failover to be exported");
        Value(after, "vigil_takeover_duration_seconds_count").ShouldBe(1);
        Value(after, "vigil_takeover_duration_seconds_sum").ShouldBeInRange(0.001, 30);
        (Value(after, """vigil_probe_failures_total{kind="timeout"}""") + Value(after, """vigil_probe_failures_total{kind="unreachable"}""")).ShouldBeGreaterThanOrEqualTo(FailoverSite.Misses);
        Value(after, """vigil_servers{role="recording",status="abnormal_protected"}""").ShouldBe(1);
        Value(after, """vigil_servers{role="standby",status="normal_protecting"}""").ShouldBe(1);
    }

    /// <summary>The Grafana dashboard in docs/ asks only for series the CMS and the agents export (a renamed metric would leave a panel empty).</summary>
    private static void DashboardQueriesOnlyExported(string exported)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Vigil.slnx")))
        {
            folder = folder.Parent;
        }

        var dashboard = File.ReadAllText(Path.Combine(folder!.FullName, "docs", "grafana", "vigil-dashboard.json"));
        var asked = Regex.Matches(dashboard, @"\b(vigil_[a-z_]+|process_[a-z_]+)").Select(m => Regex.Replace(m.Value, "_(bucket|count|sum)$", string.Empty))
            .ToHashSet(StringComparer.Ordinal);
        asked.Count.ShouldBeGreaterThan(10);
        foreach (var metric in asked)
        {
            exported.ShouldContain($"# TYPE {metric} ", Case.Sensitive, $"the dashboard asks for {metric}");
        }
    }

    private static HttpClient WithBearer(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri(MetricsEndpoint.Path, UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of one series (name and labels exactly as exported); NaN when it is not there.</summary>
    private static double Value(string metrics, string series)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[(series.Length + 1)..].Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>Prometheus' own linter: the format, the names, the help texts, counters ending in _total.</summary>
    private static async Task PromtoolAcceptsAsync(string metrics)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("vigil-metrics-").FullName, "metrics.txt");
        await File.WriteAllTextAsync(file, metrics);
        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c", $"promtool check metrics < '{file}'"], TimeSpan.FromSeconds(30), CancellationToken.None);
        result.ExitCode.ShouldBe(0, $"promtool check metrics: {result.StandardOutput}{result.StandardError}");
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    private static string WriteTokenFile()
    {
        var folder = Directory.CreateTempSubdirectory("vigil-metrics-token-").FullName;
        var file = Path.Combine(folder, "token");
        File.WriteAllText(file, Token + "\n");
        return file;
    }
}
