using System.Net;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.Security;

/// <summary>
/// Password guessing against a real CMS over HTTP: sign-in, the console's sign-in and the first admin's
/// re-authentication share one budget of 20 tries a minute per address. Past it every try is refused with 429 and a
/// Retry-After, before the password is looked at, even the right one.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class SignInThrottleTests
{
    private const int TriesPerMinute = 20;

    [Fact]
    public async Task Sign_in_and_reauthentication_are_refused_after_twenty_tries_a_minute_even_with_the_right_password()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);

        var refusedAfter = 0;
        for (var attempt = 1; attempt <= TriesPerMinute + 1 && refusedAfter == 0; attempt++)
        {
            var wrong = await cms.Anonymous.PostAsJsonAsync(CmsRoutes.Login.TrimStart('/'), new LoginRequest("admin", $"guess-{attempt}"), ContractJson.Options);
            if (wrong.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refusedAfter = attempt;
            }
            else
            {
                await wrong.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "auth.wrong-credentials");
            }
        }

        // The CMS under test signed in once itself when it started: that try counts too.
        refusedAfter.ShouldBeInRange(TriesPerMinute - 2, TriesPerMinute + 1);
        var right = await cms.Anonymous.PostAsJsonAsync(CmsRoutes.Login.TrimStart('/'), new LoginRequest("admin", CmsUnderTest.Password), ContractJson.Options);
        (await right.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "auth.too-many-tries")).ShouldContain("try again in");
        right.Headers.RetryAfter?.Delta.ShouldNotBeNull().TotalSeconds.ShouldBeInRange(1, 60);
        var reauthenticate = await cms.PostAsync(CmsRoutes.Reauthenticate, new ReauthenticationRequest("admin", CmsUnderTest.Password));
        await reauthenticate.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "auth.too-many-tries");

        // Signed-in work is not held up by the throttle.
        (await cms.Http.GetAsync(CmsRoutes.Servers.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
