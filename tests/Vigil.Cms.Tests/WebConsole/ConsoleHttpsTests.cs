using System.Net;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// The console over https: its cookie is Secure and <c>__Host-</c> prefixed, answers carry HSTS, and a password
/// change made from the console leaves it signed in with a new cookie while the old session ends.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleHttpsTests : IAsyncLifetime, IDisposable
{
    private TestDatabase _database = null!;
    private CmsUnderTest _cms = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.SqliteAsync();
        _cms = await CmsUnderTest.StartAsync(_database, https: true);
        _browser = _cms.NewClient(new CookieContainer());
    }

    public async Task DisposeAsync()
    {
        await _cms.DisposeAsync();
        await _database.DisposeAsync();
    }

    public void Dispose() => _browser?.Dispose();

    [Fact]
    public async Task The_cookie_is_secure_and_host_prefixed_and_answers_carry_hsts()
    {
        _cms.Process.BaseUrl.Scheme.ShouldBe("https");
        var signIn = await SendAsConsoleAsync(HttpMethod.Post, CmsRoutes.ConsoleSession, new LoginRequest("admin", CmsUnderTest.Password));
        await signIn.ShouldHaveStatusAsync(HttpStatusCode.OK);

        var cookie = signIn.Headers.GetValues("Set-Cookie").Single();
        cookie.ShouldStartWith("__Host-vigil_session=");
        cookie.ShouldContain("secure", Case.Insensitive);
        cookie.ShouldContain("path=/", Case.Insensitive);
        cookie.ShouldNotContain("domain=", Case.Insensitive);
        signIn.Headers.GetValues("Strict-Transport-Security").Single().ShouldContain("max-age=31536000");
        var groups = await _browser.GetAsync(CmsRoutes.Groups);
        groups.StatusCode.ShouldBe(HttpStatusCode.OK, "the prefixed cookie signs the console in");
        groups.Headers.Contains("Strict-Transport-Security").ShouldBeTrue();
    }

    [Fact]
    public async Task A_password_change_from_the_console_keeps_it_signed_in_with_a_new_cookie()
    {
        await (await SendAsConsoleAsync(HttpMethod.Post, CmsRoutes.ConsoleSession, new LoginRequest("admin", CmsUnderTest.Password))).ShouldHaveStatusAsync(HttpStatusCode.OK);
        var before = _cms.Http;

        var changed = await SendAsConsoleAsync(HttpMethod.Put, CmsRoutes.Password, new PasswordChangeRequest(CmsUnderTest.Password, "new-admin-password"));
        await changed.ShouldHaveStatusAsync(HttpStatusCode.OK);

        changed.Headers.GetValues("Set-Cookie").Single().ShouldStartWith("__Host-vigil_session=");
        (await _browser.GetAsync(CmsRoutes.ConsoleSession)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await before.GetAsync(CmsRoutes.Groups.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the first admin's other session ended");
        (await _cms.SignInAsync("admin", "new-admin-password")).Dispose();
    }

    private Task<HttpResponseMessage> SendAsConsoleAsync(HttpMethod method, string path, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, body.GetType(), options: ContractJson.Options) };
        request.Headers.Add(CmsRoutes.ConsoleHeader, "1");
        return _browser.SendAsync(request);
    }
}
