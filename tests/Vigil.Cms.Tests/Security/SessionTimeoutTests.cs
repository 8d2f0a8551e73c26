using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Tests.Security;

/// <summary>
/// Sessions under a fake clock: they end after 30 minutes unused or 24 hours in all, use is written down at most once a
/// minute, and the first admin's re-authentication counts for five minutes in the session it was given in.
/// </summary>
public sealed class SessionTimeoutTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private string _root = string.Empty;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("vigil-sessions-").FullName;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCmsCore(new CmsOptions(_root, ["http://127.0.0.1:0"], null, "sessions"), _time);
        _services = services.BuildServiceProvider();
        await CmsDatabase.MigrateAsync(_services, CancellationToken.None);
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        db.Users.Add(new UserRow { Name = "vera", PasswordHash = PasswordHashing.Hash("vera-password"), Role = UserRoles.Viewer, CreatedAt = _time.GetUtcNow() });
        db.Users.Add(new UserRow
        {
            Name = "admin", PasswordHash = PasswordHashing.Hash("admin-password"), Role = UserRoles.Administrator, IsFirstAdmin = true, CreatedAt = _time.GetUtcNow(),
        });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_session_ends_after_thirty_minutes_unused()
    {
        var token = await LoginAsync();

        _time.Advance(TimeSpan.FromMinutes(29));
        (await AuthenticateAsync(token)).ShouldNotBeNull();
        _time.Advance(TimeSpan.FromMinutes(29));
        (await AuthenticateAsync(token)).ShouldNotBeNull("use keeps it alive");
        _time.Advance(TimeSpan.FromMinutes(30));

        (await AuthenticateAsync(token)).ShouldBeNull();
    }

    [Fact]
    public async Task A_session_in_use_still_ends_after_twenty_four_hours()
    {
        var token = await LoginAsync();
        for (var used = TimeSpan.Zero; used < TimeSpan.FromHours(24) - TimeSpan.FromMinutes(20); used += TimeSpan.FromMinutes(20))
        {
            _time.Advance(TimeSpan.FromMinutes(20));
            (await AuthenticateAsync(token)).ShouldNotBeNull();
        }

        _time.Advance(TimeSpan.FromMinutes(20));

        (await AuthenticateAsync(token)).ShouldBeNull();
    }

    [Fact]
    public async Task Use_is_written_down_at_most_once_a_minute()
    {
        var token = await LoginAsync();
        var signedIn = await LastSeenAsync();

        _time.Advance(TimeSpan.FromSeconds(59));
        (await AuthenticateAsync(token)).ShouldNotBeNull();
        (await LastSeenAsync()).ShouldBe(signedIn);
        _time.Advance(TimeSpan.FromSeconds(1));
        (await AuthenticateAsync(token)).ShouldNotBeNull();

        (await LastSeenAsync()).ShouldBe(_time.GetUtcNow());
    }

    [Fact]
    public async Task A_reauthentication_counts_for_five_minutes_in_its_own_session_and_only_the_first_admin_gives_it()
    {
        var confirmed = (await AuthenticateAsync(await LoginAsync("admin", "admin-password")))!;
        var other = (await AuthenticateAsync(await LoginAsync("admin", "admin-password")))!;
        await RequireShouldRefuseAsync(confirmed, "auth.reauthentication-required");

        await using (var scope = _services.CreateAsyncScope())
        {
            var sessions = scope.ServiceProvider.GetRequiredService<Sessions>();
            var viewer = (await AuthenticateAsync(await LoginAsync()))!;
            (await Should.ThrowAsync<RefusedException>(() => sessions.ReauthenticateAsync(viewer, new ReauthenticationRequest("vera", "vera-password"), CancellationToken.None)))
                .Rule.ShouldBe("auth.not-first-admin");
            (await Should.ThrowAsync<RefusedException>(() => sessions.ReauthenticateAsync(confirmed, new ReauthenticationRequest("admin", "wrong"), CancellationToken.None)))
                .Rule.ShouldBe("auth.wrong-credentials");
            await RequireShouldRefuseAsync(confirmed, "auth.reauthentication-required");
            await sessions.ReauthenticateAsync(confirmed, new ReauthenticationRequest("admin", "admin-password"), CancellationToken.None);
        }

        await RequireAsync(confirmed);
        await RequireShouldRefuseAsync(other, "auth.reauthentication-required");
        _time.Advance(Sessions.ReauthenticationLifetime - TimeSpan.FromSeconds(1));
        await RequireAsync(confirmed);
        _time.Advance(TimeSpan.FromSeconds(1));
        await RequireShouldRefuseAsync(confirmed, "auth.reauthentication-required");
    }

    private async Task RequireAsync(Caller caller)
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Sessions>().RequireReauthenticationAsync(caller, "Stopping a restoration", CancellationToken.None);
    }

    private async Task RequireShouldRefuseAsync(Caller caller, string rule) =>
        (await Should.ThrowAsync<RefusedException>(() => RequireAsync(caller))).Rule.ShouldBe(rule);

    private async Task<string> LoginAsync(string user = "vera", string password = "vera-password")
    {
        await using var scope = _services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<Sessions>().LoginAsync(new LoginRequest(user, password), CancellationToken.None)).Token;
    }

    private async Task<Caller?> AuthenticateAsync(string token)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Sessions>().AuthenticateAsync(token, CancellationToken.None);
    }

    private async Task<DateTimeOffset?> LastSeenAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CmsDbContext>().Sessions.Select(s => s.LastSeenAt).SingleAsync();
    }
}
