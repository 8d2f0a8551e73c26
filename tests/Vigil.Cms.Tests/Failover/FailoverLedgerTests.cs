using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Cms.Tests.Support;
using Vigil.Domain;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// What the ledger's view of the open episodes holds after a commit, on a real SQLite file: the episodes the commit
/// wrote, read back (a changed one's step cancelled, a closed one gone), and every other episode as it was.
/// </summary>
public sealed class FailoverLedgerTests : IAsyncLifetime
{
    private InProcessCmsCore _core = null!;

    private FailoverLedger Ledger => _core.Services.GetRequiredService<FailoverLedger>();

    public async Task InitializeAsync() => _core = await InProcessCmsCore.StartAsync("ledger", new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task A_commit_reads_back_the_episodes_it_wrote_and_leaves_the_others_as_they_were()
    {
        var (recovered, untouched, waiting) = (await BeginAsync("rec-1"), await BeginAsync("rec-2"), await BeginAsync("rec-3"));
        var steps = new[] { recovered, untouched, waiting }.Select(id => Ledger.Find(id)!.Changed).ToList();

        // Written behind the ledger's back: only its own commits change episodes, so no commit of another episode reads this.
        await using (var scope = _core.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            await db.Episodes.Where(e => e.Id == untouched.Value).ExecuteUpdateAsync(u => u.SetProperty(e => e.Version, e => e.Version + 1));
        }

        await ApplyAsync(recovered, new OriginalRecovered());
        await ApplyAsync(waiting, new NoStandbyAvailable("the group has no standby"));

        Ledger.Find(recovered).ShouldBeNull("it closed");
        steps[0].IsCancellationRequested.ShouldBeTrue();
        Ledger.Find(waiting)!.Episode.Note.Code.ShouldBe(EpisodeNote.Codes.NoStandby);
        steps[2].IsCancellationRequested.ShouldBeTrue("its version changed, so its running step is stale");
        steps[1].IsCancellationRequested.ShouldBeFalse("no commit wrote it");
        Ledger.Open.Select(e => e.Id).ShouldBe([untouched, waiting]);

        // The full read a new leader makes sees every episode as stored.
        await using (var scope = _core.Services.CreateAsyncScope())
        {
            await Ledger.LoadAsync(scope.ServiceProvider.GetRequiredService<CmsDbContext>(), CancellationToken.None);
        }

        steps[1].IsCancellationRequested.ShouldBeTrue();
    }

    private async Task<EpisodeId> BeginAsync(string name)
    {
        await using var scope = _core.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        if (await db.Groups.FirstOrDefaultAsync() is not { } group)
        {
            group = db.Groups.Add(new GroupRow { Name = "lobby", ProtectionEnabled = true }).Entity;
            await db.SaveChangesAsync();
        }

        var row = db.Servers.Add(new ServerRow
        {
            Name = name, Role = AgentInventory.RecordingRole, Enabled = true, Host = "127.0.0.1", Port = 1, ProtectedCredential = "-",
            Serial = name, AgentName = name, Model = "-", AgentVersion = "-", SpacesJson = "[]", CamerasJson = "[]", GroupId = group.Id,
        }).Entity;
        await db.SaveChangesAsync();
        var begun = await Ledger.CommitAsync(db, () => Ledger.BeginAsync(db, AgentInventory.ToDomain(row), AgentInventory.ToDomain(group),
            FailoverOrigin.Automatic, automaticFailover: true, FailoverLedger.EngineActor, CancellationToken.None), CancellationToken.None);
        begun.IsAccepted.ShouldBeTrue();
        return begun.Episode.Id;
    }

    private async Task ApplyAsync(EpisodeId id, FailoverInput input)
    {
        await using var scope = _core.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var applied = await Ledger.CommitAsync(db, () => Ledger.ApplyAsync(db, id, input, FailoverLedger.EngineActor, CancellationToken.None), CancellationToken.None);
        applied.IsAccepted.ShouldBeTrue();
    }
}
