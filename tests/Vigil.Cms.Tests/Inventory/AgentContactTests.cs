using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Vigil.Cms.Inventory;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Tests.Inventory;

/// <summary>
/// Adding a server: the agent is seen without a secret, then reached with its admin password over the pinned certificate,
/// then paired. The agent here is a Kestrel server with the agent's certificate setup that counts its connections and
/// notes what each call carried.
/// </summary>
public sealed class AgentContactTests : IDisposable
{
    private const string Password = "agent-admin-password";

    private readonly DirectoryInfo _certificateFolder = Directory.CreateTempSubdirectory("vigil-contact-");

    public void Dispose() => _certificateFolder.Delete(recursive: true);

    [Fact]
    public async Task Pairing_goes_over_the_connection_the_agent_was_reached_on_with_the_same_password()
    {
        using var certificate = SelfSignedCertificate.LoadOrCreate(_certificateFolder.FullName, "contact-agent", TimeProvider.System);
        var fingerprint = SelfSignedCertificate.Fingerprint(certificate);
        var connections = 0;
        var calls = new ConcurrentQueue<(string Path, bool Authorized, string? Connection)>();
        string? pairedWith = null;

        await using var agent = TlsAgentStub.Build(certificate, () => Interlocked.Increment(ref connections));
        agent.Use((context, next) =>
        {
            calls.Enqueue((context.Request.Path, context.Request.Headers.Authorization.Count > 0, context.Connection.Id));
            return next(context);
        });
        agent.MapGet(AgentRoutes.Identity, () => new AgentIdentityView("contact-agent", "test", "C-1", VigilVersion.Current.ToString(), fingerprint));
        agent.MapGet(AgentRoutes.Info, () => new AgentInfo("contact-agent", "test", "C-1", VigilVersion.Current.ToString(), 8, 2, null, [], []));
        agent.MapPost(AgentRoutes.Pairing, (PairingRequest request) =>
        {
            pairedWith = request.Password;
            return new PairingResponse("issued-credential", "C-1", fingerprint);
        });
        await agent.StartAsync();
        var url = new Uri(agent.Urls.First());
        var address = new ServerAddress(url.Host, url.Port, Https: true);

        var sighting = await AgentSighting.TakeAsync(address, insecureHttp: false, CancellationToken.None);
        PairingResponse pairing;
        using (var contact = await AgentContact.ReachAsync(sighting, Password, fingerprint, CancellationToken.None))
        {
            contact.Info.Serial.ShouldBe("C-1");
            pairing = await contact.PairAsync("cms", "cms-id", CancellationToken.None);
        }

        pairing.Credential.ShouldBe("issued-credential");
        pairedWith.ShouldBe(Password);
        var seen = calls.ToList();
        seen.Select(c => c.Path).ShouldBe([AgentRoutes.Identity, AgentRoutes.Info, AgentRoutes.Pairing]);
        seen[0].Authorized.ShouldBeFalse("no secret goes to a certificate nobody has decided to trust");
        seen[1].Authorized.ShouldBeTrue();
        seen[2].Authorized.ShouldBeTrue();
        seen[2].Connection.ShouldBe(seen[1].Connection, "pairing reuses the connection the password was first sent on");
        connections.ShouldBe(2, "one connection to see the agent without a secret, one to reach and pair it");
        await agent.StopAsync();
    }
}
