using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Failover;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Domain.Inventory;
using Vigil.Domain.Naming;
using Vigil.Domain.Versions;

namespace Vigil.Cms.Inventory;

/// <summary>
/// Bringing agents under the CMS: test a connection, add one server, add a batch with a naming rule.
/// An agent is first looked at without any secret; its admin password goes only to the certificate the
/// operator confirmed; every rule is checked, and only then is it paired: a refused server never
/// receives a credential, and a refused batch adds nothing.
/// </summary>
internal sealed class ServerAdmission(
    CmsDbContext db, SettingsStore settings, InventoryLock inventoryLock, SecretProtector secrets, CameraSecrets cameraSecrets, CmsOptions options,
    TimeProvider time)
{
    /// <summary>How many agents of a batch are paired at once.</summary>
    internal const int PairingsAtOnce = 8;

    public static class Rules
    {
        public const string AlreadyAdded = "server.already-added";
        public const string DuplicateInBatch = "server.duplicate-in-batch";
        public const string EmptyBatch = "server.batch-empty";
        public const string BatchRefused = "server.batch-refused";
    }

    public async Task<TestConnectionResponse> TestAsync(TestConnectionRequest request, CancellationToken cancellationToken)
    {
        var sighting = await AgentSighting.TakeAsync(new ServerAddress(request.Host, request.Port, request.Https), options.InsecureHttp, cancellationToken)
            .ConfigureAwait(false);
        if (!sighting.IsTrusted(request.Fingerprint) && string.IsNullOrWhiteSpace(request.Fingerprint))
        {
            // Only the public identity is known until the operator confirms the certificate.
            var identity = sighting.Identity;
            return new TestConnectionResponse(identity.Name, identity.Model, identity.Serial, identity.Version, 0, sighting.Fingerprint, [], 0,
                [new RuleMessage(AgentContact.Rules.FingerprintUnconfirmed, sighting.UnconfirmedMessage)], Trusted: false, CompatibilityOf(identity.Version));
        }

        using var contact = await AgentContact.ReachAsync(sighting, request.Password, request.Fingerprint, cancellationToken).ConfigureAwait(false);
        var refusals = new List<Refusal>();
        if (request.Role is { } role && request.GroupId is { } groupId)
        {
            var group = await FindGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
            refusals.AddRange(JoinRefusals(contact, role, group, 1, await ManagedAsync(group, cancellationToken).ConfigureAwait(false)));
        }

        var info = contact.Info;
        return new TestConnectionResponse(info.Name, info.Model, info.Serial, info.Version, info.LicenseChannels, contact.Fingerprint,
            info.Spaces, info.Cameras.Count, refusals.Select(r => new RuleMessage(r.Rule, r.Message)).ToList(), Compatibility: CompatibilityOf(info.Version));
    }

    private static string CompatibilityOf(string agentVersion) =>
        VersionCompatibility.Code(Version.TryParse(agentVersion, out var version) ? VersionCompatibility.Of(version, VigilVersion.Current) : AgentCompatibility.Incompatible);

    public async Task<int> AddAsync(AddServerRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var sighting = await AgentSighting.TakeAsync(new ServerAddress(request.Host, request.Port, request.Https), options.InsecureHttp, cancellationToken)
            .ConfigureAwait(false);
        using var contact = await AgentContact.ReachAsync(sighting, request.Password, request.Fingerprint, cancellationToken).ConfigureAwait(false);
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await CheckAddAsync(contact, request, cancellationToken).ConfigureAwait(false);
        }

        // Paired outside the lock; the rules are checked again before the server is written.
        var credential = await PairAsync(contact, cancellationToken).ConfigureAwait(false);
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            var (group, name, priority) = await CheckAddAsync(contact, request, cancellationToken).ConfigureAwait(false);
            var row = await AddRowsAsync([(contact, name, credential)], request.Role, group, priority, caller, cancellationToken).ConfigureAwait(false);
            return row[0].Id;
        }
    }

    private async Task<(GroupRow Group, string Name, int Priority)> CheckAddAsync(AgentContact contact, AddServerRequest request, CancellationToken cancellationToken)
    {
        var group = await FindGroupAsync(request.GroupId, cancellationToken).ConfigureAwait(false);
        var managed = await ManagedAsync(group, cancellationToken).ConfigureAwait(false);
        var refusals = JoinRefusals(contact, request.Role, group, 1, managed);
        if (refusals.Count > 0)
        {
            throw WithAll(refusals);
        }

        var name = ServerNames.Normalize(request.Name ?? contact.Info.Name);
        RefusedException.ThrowIf(ServerNames.Validate(name, managed.Names.Select(s => s.Name)));
        return (group, name, managed.NextPriority);
    }

    public async Task<BatchAddResponse> BatchAsync(BatchAddRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var addresses = request.Servers ?? [];
        if (addresses.Count == 0)
        {
            throw new RefusedException(Rules.EmptyBatch, "A batch needs at least one server.");
        }

        if (addresses.Count > settings.Limits.MaxServersPerGroup)
        {
            throw new RefusedException(GroupRules.Rules.ServerLimit,
                $"A batch of {addresses.Count} servers cannot fit in a group of at most {settings.Limits.MaxServersPerGroup}.");
        }

        foreach (var address in addresses)
        {
            AgentContact.CheckAddress(address);
        }

        var trusted = request.TrustedFingerprints ?? [];
        var reaching = addresses.Select(a => TryReachAsync(a, request.Password, trusted, cancellationToken)).ToList();
        BatchReach[] reached;
        try
        {
            reached = await Task.WhenAll(reaching).ConfigureAwait(false);
        }
        catch
        {
            // A member that failed other than by a refusal (the request was cancelled) ends the batch; every member is done
            // by now, and those reached let their connections go.
            foreach (var done in reaching.Where(t => t.IsCompletedSuccessfully))
            {
                done.Result.Contact?.Dispose();
            }

            throw;
        }

        try
        {
            BatchCheck check;
            using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
            {
                check = await CheckBatchAsync(request, addresses, reached, cancellationToken).ConfigureAwait(false);
            }

            if (request.Preview)
            {
                return new BatchAddResponse(false, check.Members.Select(m => Result(m.Address, m.Name, null, m.Refusals, m.Contact?.Fingerprint)).ToList());
            }

            // Paired outside the lock; the rules are checked again before the servers are written, all or nothing.
            var credentials = await PairAllAsync(check.Members.Select(m => m.Contact!).ToList(), cancellationToken).ConfigureAwait(false);

            using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
            {
                check = await CheckBatchAsync(request, addresses, reached, cancellationToken).ConfigureAwait(false);
                var rows = await AddRowsAsync(check.Members.Select((m, i) => (m.Contact!, m.Name!, credentials[i])).ToList(), request.Role, check.Group,
                    check.Priority, caller, cancellationToken).ConfigureAwait(false);
                return new BatchAddResponse(true, check.Members.Select((m, i) => Result(m.Address, m.Name, rows[i].Id, [], m.Contact?.Fingerprint)).ToList());
            }
        }
        finally
        {
            // Each member's contact holds the connection it was reached and paired on.
            foreach (var member in reached)
            {
                member.Contact?.Dispose();
            }
        }
    }

    /// <summary>Every member's refusals and name; throws the batch's refusal when any member is refused.</summary>
    private async Task<BatchCheck> CheckBatchAsync(
        BatchAddRequest request, IReadOnlyList<ServerAddress> addresses, BatchReach[] reached, CancellationToken cancellationToken)
    {
        var group = await FindGroupAsync(request.GroupId, cancellationToken).ConfigureAwait(false);
        var managed = await ManagedAsync(group, cancellationToken).ConfigureAwait(false);
        var names = BatchNaming.Propose(
            request.Naming switch
            {
                NamingRuleName.ModelNumber => NamingRule.ModelNumber,
                NamingRuleName.PrefixNumber => NamingRule.PrefixNumber,
                _ => NamingRule.Default,
            },
            request.Prefix,
            reached.Select(r => new BatchMember(r.Sighting?.Identity.Name ?? string.Empty, r.Sighting?.Identity.Model ?? string.Empty)).ToList(),
            managed.Names.Select(s => s.Name));
        var members = new List<(ServerAddress Address, AgentSighting? Sighting, AgentContact? Contact, string? Name, List<Refusal> Refusals)>();
        for (var i = 0; i < reached.Length; i++)
        {
            var (sighting, contact, stopped) = reached[i];
            var refusals = new List<Refusal>();
            if (stopped is not null)
            {
                refusals.Add(stopped);
            }
            else
            {
                refusals.AddRange(JoinRefusals(contact!, request.Role, group, i + 1, managed));
                if (reached.Take(i).Any(r => r.Contact?.Info.Serial == contact!.Info.Serial))
                {
                    refusals.Add(new Refusal(Rules.DuplicateInBatch, $"{addresses[i]} is the same agent as an earlier member of this batch."));
                }
            }

            if (names.Names[i].Refusal is { } naming && sighting is not null)
            {
                refusals.Add(naming);
            }

            members.Add((addresses[i], sighting, contact, sighting is null ? null : names.Names[i].Name, refusals));
        }

        if (members.Any(m => m.Refusals.Count > 0))
        {
            var first = members.SelectMany(m => m.Refusals).First();
            var problem = new RefusedException(Rules.BatchRefused,
                $"Nothing was added: {members.Count(m => m.Refusals.Count > 0)} of {members.Count} servers cannot join '{group.Name}' ({first.Message})");
            problem.Extensions["members"] = members.Select(m => Result(m.Address, m.Name, null, m.Refusals, m.Sighting?.Fingerprint)).ToList();
            throw problem;
        }

        return new BatchCheck(group, members, managed.NextPriority);
    }

    private sealed record BatchCheck(
        GroupRow Group, List<(ServerAddress Address, AgentSighting? Sighting, AgentContact? Contact, string? Name, List<Refusal> Refusals)> Members, int Priority);

    /// <summary>How far a batch member was reached: seen (its identity and certificate), reached with the password, or why not.</summary>
    private sealed record BatchReach(AgentSighting? Sighting, AgentContact? Contact, Refusal? Refusal);

    private static BatchMemberResult Result(ServerAddress address, string? name, int? id, List<Refusal> refusals, string? fingerprint) =>
        new(address, name, id, refusals.Select(r => new RuleMessage(r.Rule, r.Message)).ToList(), fingerprint);

    /// <summary>Sees the member; sends the password only when its certificate is among those the operator confirmed.</summary>
    private async Task<BatchReach> TryReachAsync(ServerAddress address, string password, IReadOnlyList<string> trusted, CancellationToken cancellationToken)
    {
        AgentSighting sighting;
        try
        {
            sighting = await AgentSighting.TakeAsync(address, options.InsecureHttp, cancellationToken).ConfigureAwait(false);
        }
        catch (RefusedException e)
        {
            return new BatchReach(null, null, new Refusal(e.Rule, e.Message));
        }

        var confirmed = trusted.FirstOrDefault(f => AgentSighting.Same(f, sighting.Fingerprint));
        if (!sighting.IsTrusted(confirmed))
        {
            return new BatchReach(sighting, null, new Refusal(AgentContact.Rules.FingerprintUnconfirmed, sighting.UnconfirmedMessage));
        }

        try
        {
            return new BatchReach(sighting, await AgentContact.ReachAsync(sighting, password, confirmed, cancellationToken).ConfigureAwait(false), null);
        }
        catch (RefusedException e)
        {
            return new BatchReach(sighting, null, new Refusal(e.Rule, e.Message));
        }
    }

    /// <summary>Why the reached agent cannot join <paramref name="group"/> as <paramref name="role"/>, counting <paramref name="joining"/> servers joining at once.</summary>
    private List<Refusal> JoinRefusals(AgentContact contact, ServerRoleName role, GroupRow group, int joining, ManagedServers managed)
    {
        var refusals = new List<Refusal>();
        if (managed.Names.FirstOrDefault(s => s.Serial == contact.Info.Serial) is { } known)
        {
            refusals.Add(new Refusal(Rules.AlreadyAdded, $"The agent at {contact.Address} (serial {contact.Info.Serial}) is already managed as '{known.Name}'."));
        }

        // A newer agent than this CMS manages is refused in any role; an older one may be added as a recording server and updated
        // (a standby's eligibility refuses both).
        if (role == ServerRoleName.Recording && Version.TryParse(contact.Info.Version, out var version)
            && VersionCompatibility.Of(version, VigilVersion.Current) == AgentCompatibility.Incompatible)
        {
            refusals.Add(VersionCompatibility.Problem(version, VigilVersion.Current)!);
        }

        refusals.AddRange(GroupMembership.Refusals(contact.Info.Name, AgentInventory.Report(contact.Info), AgentInventory.RoleOf(role),
            current: null, AgentInventory.ToDomain(group), managed.Members, joining, settings.Limits));
        return refusals;
    }

    /// <summary>Pairs with the reached agent; answers the credential, encrypted as it is kept.</summary>
    private async Task<string> PairAsync(AgentContact contact, CancellationToken cancellationToken) =>
        await PairAsync(contact, await CmsInstallation.IdAsync(db, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private async Task<string> PairAsync(AgentContact contact, string installation, CancellationToken cancellationToken)
    {
        var pairing = await contact.PairAsync(options.Name, installation, cancellationToken).ConfigureAwait(false);
        return secrets.Protect(pairing.Credential);
    }

    /// <summary>
    /// Pairs a batch's agents <see cref="PairingsAtOnce"/> at a time, in the batch's order: each pairing is a connection, a round
    /// trip and a password check on its own agent, so one after another they made a batch of 64 take about a second. The first
    /// refusal ends the batch as before: pairings not yet started are not started and those in flight are cancelled; an agent
    /// paired for a batch that is then refused holds a credential the CMS never kept, which the next pairing replaces.
    /// </summary>
    private async Task<string[]> PairAllAsync(List<AgentContact> contacts, CancellationToken cancellationToken)
    {
        var installation = await CmsInstallation.IdAsync(db, cancellationToken).ConfigureAwait(false);
        var credentials = new string[contacts.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, contacts.Count), new ParallelOptions { MaxDegreeOfParallelism = PairingsAtOnce, CancellationToken = cancellationToken },
            async (i, token) => credentials[i] = await PairAsync(contacts[i], installation, token).ConfigureAwait(false)).ConfigureAwait(false);
        return credentials;
    }

    /// <summary>Writes the paired servers and their events in one transaction.</summary>
    private async Task<List<ServerRow>> AddRowsAsync(
        IReadOnlyList<(AgentContact Contact, string Name, string Credential)> paired, ServerRoleName role, GroupRow group, int priority, Caller caller,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = new List<ServerRow>();
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            foreach (var (contact, name, credential) in paired)
            {
                var row = new ServerRow
                {
                    Name = name,
                    Role = AgentInventory.RoleName(role),
                    Enabled = true,
                    GroupId = group.Id,
                    Priority = priority++,
                    Host = contact.Address.Host,
                    Port = contact.Address.Port,
                    Https = contact.Address.Https,
                    CertificateFingerprint = contact.Fingerprint,
                    ProtectedCredential = credential,
                    Serial = contact.Info.Serial,
                    AgentName = contact.Info.Name,
                    Model = contact.Info.Model,
                    AgentVersion = contact.Info.Version,
                    SpacesJson = "[]",
                    CamerasJson = "[]",
                    CreatedAt = now,
                };
                AgentInventory.Apply(row, contact.Info, now, cameraSecrets);
                db.Servers.Add(row);
                rows.Add(row);
            }

            // Two saves for the whole batch: the rows first, for their ids, then each one's event.
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            db.Events.AddRange(rows.Select(row =>
                EventLog.Operator(row.Id, row.Name, "add server", $"{row.Role} server at {row.Host}:{row.Port} in '{group.Name}'", caller.UserName, now)));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return rows;
    }

    /// <summary>
    /// What the rules read of the managed servers, once per check: every server's name and serial, and the members of
    /// <paramref name="group"/> whole. Reading every row whole took about a quarter of a second at 10 000 servers, twice
    /// for each batch, to use two of its columns for all but the group's few members.
    /// </summary>
    private async Task<ManagedServers> ManagedAsync(GroupRow group, CancellationToken cancellationToken)
    {
        var names = await db.Servers.AsNoTracking().Select(s => new ManagedName(s.Name, s.Serial)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var members = await db.Servers.AsNoTracking().Where(s => s.GroupId == group.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new ManagedServers(names, members);
    }

    private sealed record ManagedName(string Name, string Serial);

    private sealed record ManagedServers(List<ManagedName> Names, List<ServerRow> Members)
    {
        /// <summary>New servers go last in their group's priority order.</summary>
        public int NextPriority => Members.Select(s => s.Priority).DefaultIfEmpty(0).Max() + 1;
    }

    private async Task<GroupRow> FindGroupAsync(int id, CancellationToken cancellationToken) =>
        await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, cancellationToken).ConfigureAwait(false)
        ?? throw new RefusedException(GroupService.NotFoundRule, $"There is no failover group with id {id}.", StatusCodes.Status404NotFound);

    private static RefusedException WithAll(List<Refusal> refusals) =>
        RefusedException.WithAll(refusals, refusals[0].Rule == Rules.AlreadyAdded ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
}
