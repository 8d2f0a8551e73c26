using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Tests.Security;

/// <summary>
/// Sessions under a fake clock: they end after 30 minutes unused or 24 hours in all, use is written down at most once a
/// minute, and the first admin's re-authentication counts for five minutes in the session it was given in.
/// </summary>
public sealed class SessionTimeoutTests : IAsyncLifetime
{
    private InProcessCmsCore _core = null!;

    private FakeTimeProvider Time => _core.Time;

    public async Task InitializeAsync()
    {
        _core = await InProcessCmsCore.StartAsync("sessions", new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var scope = _core.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        db.Users.Add(new UserRow { Name = "vera", PasswordHash = PasswordHashing.Hash("vera-password"), Role = UserRoles.Viewer, CreatedAt = Time.GetUtcNow() });
        db.Users.Add(new UserRow
        {
            Name = "admin", PasswordHash = PasswordHashing.Hash("admin-password"), Role = UserRoles.Administrator, IsFirstAdmin = true, CreatedAt = Time.GetUtcNow(),
        });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task A_session_ends_after_thirty_minutes_unused()
    {
        var token = await LoginAsync();

        Time.Advance(TimeSpan.FromMinutes(29));
        (await AuthenticateAsync(token)).ShouldNotBeNull();
        Time.Advance(TimeSpan.FromMinutes(29));
        (await AuthenticateAsync(token)).ShouldNotBeNull("use keeps it alive");
        Time.Advance(TimeSpan.FromMinutes(30));

        (await AuthenticateAsync(token)).ShouldBeNull();
    }

    [Fact]
    public async Task A_session_in_use_still_ends_after_twenty_four_hours()
    {
        var token = await LoginAsync();
        for (var used = TimeSpan.Zero; used < TimeSpan.FromHours(24) - TimeSpan.FromMinutes(20); used += TimeSpan.FromMinutes(20))
        {
            Time.Advance(TimeSpan.FromMinutes(20));
            (await AuthenticateAsync(token)).ShouldNotBeNull();
        }

        Time.Advance(TimeSpan.FromMinutes(20));

        (await AuthenticateAsync(token)).ShouldBeNull();
    }

    [Fact]
    public async Task Use_is_written_down_at_most_once_a_minute()
    {
        var token = await LoginAsync();
        var signedIn = await LastSeenAsync();

        Time.Advance(TimeSpan.FromSeconds(59));
        (await AuthenticateAsync(token)).ShouldNotBeNull();
        (await LastSeenAsync()).ShouldBe(signedIn);
        Time.Advance(TimeSpan.FromSeconds(1));
        (await AuthenticateAsync(token)).ShouldNotBeNull();

        (await LastSeenAsync()).ShouldBe(Time.GetUtcNow());
    }

    [Fact]
    public async Task A_reauthentication_counts_for_five_minutes_in_its_own_session_and_only_the_first_admin_gives_it()
    {
        var confirmed = (await AuthenticateAsync(await LoginAsync("admin", "admin-password")))!;
        var other = (await AuthenticateAsync(await LoginAsync("admin", "admin-password")))!;
        await RequireShouldRefuseAsync(confirmed, "auth.reauthentication-required");

        await using (var scope = _core.Services.CreateAsyncScope())
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
        Time.Advance(Sessions.ReauthenticationLifetime - TimeSpan.FromSeconds(1));
        await RequireAsync(confirmed);
        Time.Advance(TimeSpan.FromSeconds(1));
        await RequireShouldRefuseAsync(confirmed, "auth.reauthentication-required");
    }

    private async Task RequireAsync(Caller caller)
    {
        await using var scope = _core.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Sessions>().RequireReauthenticationAsync(caller, "Stopping a restoration", CancellationToken.None);
    }

    private async Task RequireShouldRefuseAsync(Caller caller, string rule) =>
        (await Should.ThrowAsync<RefusedException>(() => RequireAsync(caller))).Rule.ShouldBe(rule);

    private async Task<string> LoginAsync(string user = "vera", string password = "vera-password")
    {
        await using var scope = _core.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<Sessions>().LoginAsync(new LoginRequest(user, password), CancellationToken.None)).Token;
    }

    private async Task<Caller?> AuthenticateAsync(string token)
    {
        await using var scope = _core.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Sessions>().AuthenticateAsync(token, CancellationToken.None);
    }

    private async Task<DateTimeOffset?> LastSeenAsync()
    {
        await using var scope = _core.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CmsDbContext>().Sessions.Select(s => s.LastSeenAt).SingleAsync();
    }
}
