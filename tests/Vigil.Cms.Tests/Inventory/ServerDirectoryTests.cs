using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Cms.Tests.Support;

namespace Vigil.Cms.Tests.Inventory;

/// <summary>
/// The monitor's copy of the servers table: read again after a committed write and only then (or once it is
/// <see cref="ServerDirectory.MaxAge"/> old), never kept from before a commit, on a real SQLite file.
/// </summary>
public sealed class ServerDirectoryTests : IAsyncLifetime
{
    private InProcessCmsCore _core = null!;

    private FakeTimeProvider Time => _core.Time;

    private ServerDirectory Servers => _core.Services.GetRequiredService<ServerDirectory>();

    public async Task InitializeAsync() => _core = await InProcessCmsCore.StartAsync("directory", new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Without_a_write_the_copy_is_not_read_again_until_it_is_old()
    {
        await AddAsync("rec-1");
        var first = await Servers.ReadAsync(CancellationToken.None);

        (await Servers.ReadAsync(CancellationToken.None)).ShouldBeSameAs(first);
        Time.Advance(ServerDirectory.MaxAge - TimeSpan.FromSeconds(1));
        (await Servers.ReadAsync(CancellationToken.None)).ShouldBeSameAs(first);
        Time.Advance(TimeSpan.FromSeconds(1));
        var aged = await Servers.ReadAsync(CancellationToken.None);
        aged.ShouldNotBeSameAs(first);
        aged.Select(s => s.Name).ShouldBe(["rec-1"]);
    }

    [Fact]
    public async Task A_saved_change_is_seen_at_the_next_read()
    {
        await AddAsync("rec-1");
        (await Servers.ReadAsync(CancellationToken.None)).Count.ShouldBe(1);

        await AddAsync("rec-2");
        (await Servers.ReadAsync(CancellationToken.None)).Select(s => s.Name).ShouldBe(["rec-1", "rec-2"], ignoreOrder: true);

        await using (var scope = _core.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            (await db.Servers.SingleAsync(s => s.Name == "rec-1")).Enabled = false;
            await db.SaveChangesAsync();
        }

        (await Servers.ReadAsync(CancellationToken.None)).Single(s => s.Name == "rec-1").Enabled.ShouldBeFalse();
    }

    [Fact]
    public async Task A_change_inside_a_transaction_is_read_after_its_commit_and_a_rolled_back_one_costs_no_read()
    {
        await AddAsync("rec-1");
        (await Servers.ReadAsync(CancellationToken.None)).Count.ShouldBe(1);

        await using (var scope = _core.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Servers.Add(Row("rec-2"));
            await db.SaveChangesAsync();

            // Read while the transaction is open: the copy must not be kept as if it held the uncommitted write.
            (await Servers.ReadAsync(CancellationToken.None)).Select(s => s.Name).ShouldBe(["rec-1"]);
            await transaction.CommitAsync();
        }

        (await Servers.ReadAsync(CancellationToken.None)).Select(s => s.Name).ShouldBe(["rec-1", "rec-2"], ignoreOrder: true);

        var committed = await Servers.ReadAsync(CancellationToken.None);
        await using (var scope = _core.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Servers.Add(Row("rec-3"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        (await Servers.ReadAsync(CancellationToken.None)).ShouldBeSameAs(committed);
    }

    [Fact]
    public async Task A_write_to_another_table_does_not_make_the_monitor_read_the_servers()
    {
        await AddAsync("rec-1");
        var first = await Servers.ReadAsync(CancellationToken.None);

        await using (var scope = _core.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            db.Events.Add(EventLog.Health(1, "rec-1", "healthy", "suspect", "a probe timed out", Time.GetUtcNow()));
            await db.SaveChangesAsync();
        }

        (await Servers.ReadAsync(CancellationToken.None)).ShouldBeSameAs(first);
    }

    [Fact]
    public async Task The_domain_form_is_made_once_per_read_of_the_table()
    {
        await AddAsync("rec-1");
        var first = await Servers.ReadDomainAsync(CancellationToken.None);
        first.Select(s => s.Name).ShouldBe(["rec-1"]);
        (await Servers.ReadDomainAsync(CancellationToken.None)).ShouldBeSameAs(first, "the engine and the protection watch share one form of one read");

        await AddAsync("rec-2");
        (await Servers.ReadDomainAsync(CancellationToken.None)).Select(s => s.Name).ShouldBe(["rec-1", "rec-2"], ignoreOrder: true);
    }

    [Fact]
    public async Task Only_the_rows_a_commit_changed_are_read_again_and_every_other_row_is_kept()
    {
        await AddAsync("rec-1");
        await AddAsync("rec-2");
        await AddAsync("rec-3");
        var before = await Servers.ReadAsync(CancellationToken.None);
        var domainBefore = await Servers.ReadDomainAsync(CancellationToken.None);

        await using (var scope = _core.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            (await db.Servers.SingleAsync(s => s.Name == "rec-2")).Enabled = false;
            await db.SaveChangesAsync();
        }

        // Read in between without its domain form, as a probe round does: the form made before is still handed on.
        await Servers.ReadAsync(CancellationToken.None);
        await using (var scope = _core.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            db.Servers.Remove(await db.Servers.SingleAsync(s => s.Name == "rec-3"));
            db.Servers.Add(Row("rec-4"));
            await db.SaveChangesAsync();
        }

        var after = await Servers.ReadAsync(CancellationToken.None);
        after.Select(s => s.Name).ShouldBe(["rec-1", "rec-2", "rec-4"], "the changed row in its place, the deleted one gone, the added one at the end");
        after[0].ShouldBeSameAs(before[0], "an unchanged row is not read again");
        after[1].ShouldNotBeSameAs(before[1]);
        after[1].Enabled.ShouldBeFalse();
        var domainAfter = await Servers.ReadDomainAsync(CancellationToken.None);
        domainAfter[0].ShouldBeSameAs(domainBefore[0], "nor is its domain form made again");
        domainAfter.Select(s => (s.Name, s.Enabled)).ShouldBe([("rec-1", true), ("rec-2", false), ("rec-4", true)]);
    }

    [Fact]
    public async Task A_row_whose_cameras_cannot_be_parsed_fails_the_domain_form_but_not_the_rows_the_probes_read()
    {
        await AddAsync("rec-1");
        await using (var scope = _core.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var damaged = Row("rec-2");
            damaged.CamerasJson = "[{not json";
            db.Servers.Add(damaged);
            await db.SaveChangesAsync();
        }

        (await Servers.ReadAsync(CancellationToken.None)).Select(s => s.Name).ShouldBe(["rec-1", "rec-2"], ignoreOrder: true);
        await Should.ThrowAsync<System.Text.Json.JsonException>(() => Servers.ReadDomainAsync(CancellationToken.None));
    }

    [Fact]
    public async Task More_changed_rows_than_are_read_alone_make_the_whole_table_read()
    {
        await AddAsync("rec-0");
        var before = await Servers.ReadAsync(CancellationToken.None);
        await using (var scope = _core.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            db.Servers.AddRange(Enumerable.Range(1, ServerDirectory.MostRowsReadAlone + 1).Select(i => Row($"rec-{i}")));
            await db.SaveChangesAsync();
        }

        var after = await Servers.ReadAsync(CancellationToken.None);
        after.Count.ShouldBe(ServerDirectory.MostRowsReadAlone + 2);
        after.Single(s => s.Name == "rec-0").ShouldNotBeSameAs(before[0], "the whole table was read");
    }

    [Fact]
    public async Task Rows_changed_by_commits_during_a_read_are_read_at_the_next_one()
    {
        await AddAsync("rec-1");
        await Servers.ReadAsync(CancellationToken.None);

        // Many writers and readers at once: whatever each read took, the last read shows every committed write.
        var writes = Enumerable.Range(2, 19).Select(i => AddAsync($"rec-{i}"));
        var reads = Enumerable.Range(0, 20).Select(_ => Servers.ReadAsync(CancellationToken.None));
        await Task.WhenAll(writes.Concat<Task>(reads).ToList());

        (await Servers.ReadAsync(CancellationToken.None)).Select(s => s.Name).Order()
            .ShouldBe(Enumerable.Range(1, 20).Select(i => $"rec-{i}").Order());
    }

    private async Task AddAsync(string name)
    {
        await using var scope = _core.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        db.Servers.Add(Row(name));
        await db.SaveChangesAsync();
    }

    private ServerRow Row(string name) => new()
    {
        Name = name, Role = AgentInventory.RecordingRole, Enabled = true, Host = "127.0.0.1", Port = 1, ProtectedCredential = "-",
        Serial = $"SN-{name}", AgentName = name, Model = "test", AgentVersion = "0.1.0", SpacesJson = "[]", CamerasJson = "[]",
        CreatedAt = Time.GetUtcNow(),
    };
}
