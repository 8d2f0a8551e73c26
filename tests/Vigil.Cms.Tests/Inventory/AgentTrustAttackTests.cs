using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Inventory;

/// <summary>
/// The CMS's side of trusting agents, tried as an attacker on the site's LAN would: a proxy in the middle with its own
/// certificate, an edit pointing a server at an attacker's address, a credential stolen with a copy of the CMS's data,
/// plain HTTP off loopback, and camera passwords looked for wherever the CMS writes or answers.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class AgentTrustAttackTests(AgentsFixture agents)
{
    [Fact]
    public async Task A_proxy_with_its_own_certificate_never_receives_a_secret_and_cannot_be_added()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var printed = AgentsFixture.PrintedFingerprint(agents.SecureStandby);
        await using var proxy = await InterceptingProxy.StartAsync(agents.SecureStandby.BaseUrl, printed);
        var through = AgentsFixture.Add(agents.SecureStandby, ServerRoleName.Standby) with { Host = proxy.BaseUrl.Host, Port = proxy.BaseUrl.Port };

        var test = await cms.PostAsync(CmsRoutes.ServerTest, new TestConnectionRequest(through.Host, through.Port, true, AgentsFixture.Password));
        (await test.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "agent.certificate-mismatch")).ShouldContain(proxy.Fingerprint!);
        await (await cms.PostAsync(CmsRoutes.Servers, through with { Fingerprint = null }))
            .ShouldBeProblemAsync(HttpStatusCode.BadGateway, "agent.certificate-mismatch");
        await (await cms.PostAsync(CmsRoutes.Servers, through))
            .ShouldBeProblemAsync(HttpStatusCode.BadGateway, "agent.certificate-mismatch");

        proxy.Requests.ShouldBeGreaterThan(0, "the CMS did reach the proxy");
        proxy.Captured.ShouldBeEmpty("no password or credential may reach a certificate nobody trusted");
        (await cms.ServersAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_proxy_that_forges_the_agents_identity_shows_its_own_fingerprint_and_gets_nothing_for_the_agents_printed_one()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var printed = AgentsFixture.PrintedFingerprint(agents.SecureStandby);
        await using var proxy = await InterceptingProxy.StartAsync(agents.SecureStandby.BaseUrl, printed, forgeIdentity: true);

        var test = await cms.PostAsync(CmsRoutes.ServerTest, new TestConnectionRequest(proxy.BaseUrl.Host, proxy.BaseUrl.Port, true, AgentsFixture.Password));
        await test.ShouldHaveStatusAsync(HttpStatusCode.OK);
        var seen = (await test.Content.ReadFromJsonAsync<TestConnectionResponse>(ContractJson.Options))!;
        seen.Trusted.ShouldBeFalse();
        seen.CertificateFingerprint.ShouldBe(proxy.Fingerprint, "the operator is shown what is really on the wire");
        seen.CertificateFingerprint.ShouldNotBe(printed);
        seen.Refusals.Single().Rule.ShouldBe("server.fingerprint-unconfirmed");

        // The operator confirms what the agent printed at start; the proxy presents something else, so nothing is sent.
        var add = AgentsFixture.Add(agents.SecureStandby, ServerRoleName.Standby) with { Host = proxy.BaseUrl.Host, Port = proxy.BaseUrl.Port };
        await (await cms.PostAsync(CmsRoutes.Servers, add)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "agent.certificate-mismatch");
        await (await cms.PostAsync(CmsRoutes.ServerTest, new TestConnectionRequest(proxy.BaseUrl.Host, proxy.BaseUrl.Port, true, AgentsFixture.Password,
            Fingerprint: printed))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "agent.certificate-mismatch");
        var batch = await cms.PostAsync(CmsRoutes.ServerBatch, new BatchAddRequest(1, ServerRoleName.Standby, NamingRuleName.Default, null, AgentsFixture.Password,
            [new ServerAddress(proxy.BaseUrl.Host, proxy.BaseUrl.Port, true)], Preview: false, TrustedFingerprints: [printed]));
        await batch.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server.batch-refused");

        proxy.Captured.ShouldBeEmpty();
        (await cms.ServersAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Editing_a_servers_address_to_an_attackers_sends_it_no_credential()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var printed = AgentsFixture.PrintedFingerprint(agents.SecureStandby);
        var secure = await cms.AddAsync(AgentsFixture.Add(agents.SecureStandby, ServerRoleName.Standby));
        var plain = await cms.AddAsync(AgentsFixture.Add(agents.Recording1, ServerRoleName.Recording));

        // Over https: the attacker relays the real agent's identity (same serial) but cannot present its certificate.
        await using (var proxy = await InterceptingProxy.StartAsync(agents.SecureStandby.BaseUrl, printed, forgeIdentity: true))
        {
            var moved = await cms.Http.PatchAsJsonAsync(CmsRoutes.Server(secure.Id).TrimStart('/'),
                new EditServerRequest(Host: proxy.BaseUrl.Host, Port: proxy.BaseUrl.Port), ContractJson.Options);
            (await moved.ShouldBeProblemAsync(HttpStatusCode.Conflict, "agent.certificate-mismatch")).ShouldContain(proxy.Fingerprint!);
            var repaired = await cms.Http.PatchAsJsonAsync(CmsRoutes.Server(secure.Id).TrimStart('/'),
                new EditServerRequest(Host: proxy.BaseUrl.Host, Port: proxy.BaseUrl.Port, Password: AgentsFixture.Password), ContractJson.Options);
            await repaired.ShouldBeProblemAsync(HttpStatusCode.Conflict, "agent.certificate-mismatch");
            proxy.Captured.ShouldBeEmpty();
        }

        // Over plain HTTP: an impostor that is another agent (another serial) is refused before the credential goes.
        await using (var impostor = await InterceptingProxy.StartAsync(agents.Recording2.BaseUrl, agentFingerprint: null, https: false))
        {
            var moved = await cms.Http.PatchAsJsonAsync(CmsRoutes.Server(plain.Id).TrimStart('/'),
                new EditServerRequest(Port: impostor.BaseUrl.Port), ContractJson.Options);
            await moved.ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.different-agent");
            impostor.Requests.ShouldBeGreaterThan(0);
            impostor.Captured.ShouldBeEmpty();
        }

        var servers = await cms.ServersAsync();
        servers.Single(s => s.Id == secure.Id).Address.Port.ShouldBe(agents.SecureStandby.BaseUrl.Port);
        servers.Single(s => s.Id == plain.Id).Address.Port.ShouldBe(agents.Recording1.BaseUrl.Port);
    }

    [Fact]
    public async Task An_agent_whose_certificate_is_replaced_after_it_was_added_is_refused_until_the_operator_trusts_the_new_one()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var data = Directory.CreateTempSubdirectory("vigil-recertified-").FullName;
        try
        {
            string[] Arguments(int port) => ["agent", "--data", data, "--urls", $"https://127.0.0.1:{port}", "--name", "recertified"];
            var environment = new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = AgentsFixture.Password };
            var first = await VigilProcess.StartAsync(Arguments(0), environment);
            var pinned = AgentsFixture.PrintedFingerprint(first);
            var added = await cms.AddAsync(AgentsFixture.Add(first, ServerRoleName.Standby));
            await Eventually.UntilAsync(async () => (await cms.ServersAsync()).Single().Health.State == "healthy", TimeSpan.FromSeconds(15), "the agent probed");

            // The same agent, address and credential, with a new certificate: the pin no longer matches.
            var port = first.BaseUrl.Port;
            await first.DisposeAsync();
            File.Delete(Path.Combine(data, "tls-certificate.pfx"));
            await using var second = await VigilProcess.StartAsync(Arguments(port), environment);
            var replaced = AgentsFixture.PrintedFingerprint(second);
            replaced.ShouldNotBe(pinned);
            var refused = await Eventually.GetAsync(async () => (await cms.ServersAsync()).Single() is { Health.Problem: { } problem } server
                && problem.Contains(replaced, StringComparison.Ordinal) ? server : null, TimeSpan.FromSeconds(15), "the CMS to refuse the new certificate");
            refused.Health.Problem.ShouldNotBeNull().ShouldContain($"not the pinned {pinned}");
            refused.CertificateFingerprint.ShouldBe(pinned, "a certificate is never trusted silently after the first contact");

            // Trusting it takes the operator: the new fingerprint and the agent's admin password.
            var trusted = await cms.Http.PatchAsJsonAsync(CmsRoutes.Server(added.Id).TrimStart('/'),
                new EditServerRequest(Password: AgentsFixture.Password, Fingerprint: replaced), ContractJson.Options);
            await trusted.ShouldHaveStatusAsync(HttpStatusCode.OK);
            await Eventually.UntilAsync(async () => (await cms.ServersAsync()).Single() is { Health.State: "healthy", CertificateFingerprint: { } now } && now == replaced,
                TimeSpan.FromSeconds(15), "probes over the newly trusted certificate");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_deleted_servers_credential_is_refused_by_its_agent_even_with_a_copy_of_the_cms_data()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        await cms.AddAsync(AgentsFixture.Add(agents.Recording1, ServerRoleName.Recording, name: "Front door"));
        var stolen = await StolenSecrets.AgentCredentialAsync(cms.DataDirectory, "Front door");
        using var attacker = new HttpClient { BaseAddress = agents.Recording1.BaseUrl };
        attacker.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stolen);
        (await attacker.GetAsync(AgentRoutes.Info.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.OK, "the credential works while the server is managed");

        var server = (await cms.ServersAsync()).Single();
        await (await cms.DeleteAsync(CmsRoutes.Server(server.Id))).ShouldHaveStatusAsync(HttpStatusCode.NoContent);

        (await attacker.GetAsync(AgentRoutes.Info.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var events = await cms.GetAsync<EventList>(CmsRoutes.Events);
        events.Events.ShouldContain(e => e.To == "revoke credential" && e.Reason.Contains("ended", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pairing_again_from_the_same_cms_ends_its_earlier_credential()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var server = await cms.AddAsync(AgentsFixture.Add(agents.Recording2, ServerRoleName.Recording, name: "Loading bay"));
        var first = await StolenSecrets.AgentCredentialAsync(cms.DataDirectory, "Loading bay");

        var repaired = await cms.Http.PatchAsJsonAsync(CmsRoutes.Server(server.Id).TrimStart('/'), new EditServerRequest(Password: AgentsFixture.Password), ContractJson.Options);
        await repaired.ShouldHaveStatusAsync(HttpStatusCode.OK);

        var second = await StolenSecrets.AgentCredentialAsync(cms.DataDirectory, "Loading bay");
        second.ShouldNotBe(first);
        (await AgentCallAsync(agents.Recording2, first)).ShouldBe(HttpStatusCode.Unauthorized);
        (await AgentCallAsync(agents.Recording2, second)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Changing_an_agents_admin_password_through_the_cms_ends_its_old_credentials_and_the_cms_pairs_again()
    {
        var data = Directory.CreateTempSubdirectory("vigil-agent-password-").FullName;
        try
        {
            await using var agent = await VigilProcess.StartAsync(["agent", "--data", data, "--urls", "https://127.0.0.1:0", "--name", "gate"],
                new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = AgentsFixture.Password });
            await using var database = await TestDatabase.SqliteAsync();
            await using var cms = await CmsUnderTest.StartAsync(database);
            var server = await cms.AddAsync(AgentsFixture.Add(agent, ServerRoleName.Standby));
            var before = await StolenSecrets.AgentCredentialAsync(cms.DataDirectory, "gate");

            var wrong = await cms.PutAsync(CmsRoutes.AgentPassword(server.Id), new AgentPasswordChange("not-the-password", "n3w-agent-pass"));
            await wrong.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "agent.wrong-password");
            var tooShort = await cms.PutAsync(CmsRoutes.AgentPassword(server.Id), new AgentPasswordChange(AgentsFixture.Password, "short"));
            await tooShort.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server.agent-password-too-short");
            var changed = await cms.PutAsync(CmsRoutes.AgentPassword(server.Id), new AgentPasswordChange(AgentsFixture.Password, "n3w-agent-pass"));
            await changed.ShouldHaveStatusAsync(HttpStatusCode.NoContent);

            var after = await StolenSecrets.AgentCredentialAsync(cms.DataDirectory, "gate");
            after.ShouldNotBe(before);
            using var pinned = AgentClientFor(agent);
            (await BearerCallAsync(pinned, before)).ShouldBe(HttpStatusCode.Unauthorized);
            (await BearerCallAsync(pinned, after)).ShouldBe(HttpStatusCode.OK);
            var probedAfter = TimeProvider.System.GetUtcNow();
            await Eventually.UntilAsync(async () => (await cms.ServersAsync()).Single().Health.LastProbe > probedAfter, TimeSpan.FromSeconds(15), "a probe with the new credential");
            (await cms.ServersAsync()).Single().Health.Access.ShouldBeNull();
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Plain_http_to_an_agent_off_loopback_is_refused_before_anything_is_sent()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);

        // 192.0.2.0/24 is reserved for documentation: the refusal comes before any packet could be sent there.
        var test = await cms.PostAsync(CmsRoutes.ServerTest, new TestConnectionRequest("192.0.2.10", 7101, false, AgentsFixture.Password));
        (await test.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server.plain-http-refused")).ShouldContain("--insecure-http");
        var add = await cms.PostAsync(CmsRoutes.Servers, new AddServerRequest(1, ServerRoleName.Recording, "192.0.2.10", 7101, false, AgentsFixture.Password));
        await add.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server.plain-http-refused");
    }

    [Fact]
    public async Task A_camera_password_appears_in_no_api_body_event_log_or_database_file()
    {
        const string Secret = "S3cret-Camera-Pass";
        var data = Directory.CreateTempSubdirectory("vigil-camera-secret-").FullName;
        try
        {
            await using var agent = await VigilProcess.StartAsync(
                ["agent", "--data", data, "--urls", "http://127.0.0.1:0", "--name", "lobby", "--camera", $"cam1=rtsp://viewer:{Secret}@127.0.0.1:9/stream"],
                new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = AgentsFixture.Password });
            await using var database = await TestDatabase.SqliteAsync();
            await using var cms = await CmsUnderTest.StartAsync(database);

            var added = await cms.AddAsync(AgentsFixture.Add(agent, ServerRoleName.Recording));
            added.Cameras.Single().StreamUrl.ShouldBe("rtsp://viewer:***@127.0.0.1:9/stream");

            // Let the recorder fail against the closed port and the CMS copy the inventory a few times.
            await Eventually.UntilAsync(async () => (await cms.ServersAsync()).Single().Health.LastProbe is not null, TimeSpan.FromSeconds(15), "the agent probed");
            var bodies = new StringBuilder();
            foreach (var path in new[] { CmsRoutes.Servers, CmsRoutes.Server(added.Id), CmsRoutes.Events, CmsRoutes.Status, CmsRoutes.Failovers })
            {
                bodies.AppendLine(await cms.Http.GetStringAsync(path.TrimStart('/')));
            }

            bodies.ToString().ShouldNotContain(Secret);
            bodies.ToString().ShouldContain("viewer:***@");
            foreach (var file in Directory.EnumerateFiles(cms.DataDirectory, "cms.db*"))
            {
                Encoding.UTF8.GetString(await ReadSharedAsync(file)).ShouldNotContain(Secret, customMessage: $"{file} keeps the camera password in clear");
            }

            cms.Process.Output.ShouldNotContain(Secret);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>A client that trusts only the certificate the agent printed at start.</summary>
    private static HttpClient AgentClientFor(VigilProcess agent)
    {
        var printed = AgentsFixture.PrintedFingerprint(agent);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && Vigil.Hosting.SelfSignedCertificate.Fingerprint(certificate) == printed;
        return new HttpClient(handler) { BaseAddress = agent.BaseUrl };
    }

    private static async Task<HttpStatusCode> BearerCallAsync(HttpClient client, string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, AgentRoutes.Health.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> AgentCallAsync(VigilProcess agent, string credential)
    {
        using var client = new HttpClient { BaseAddress = agent.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        using var response = await client.GetAsync(AgentRoutes.Health.TrimStart('/'));
        return response.StatusCode;
    }

    /// <summary>Reads a file the CMS has open (its database and write-ahead log).</summary>
    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
