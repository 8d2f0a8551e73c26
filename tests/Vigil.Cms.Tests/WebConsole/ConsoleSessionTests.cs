using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// The console's HTTP surface on a real CMS: pages need a session, the session cookie is HttpOnly and
/// SameSite, a change made with the cookie alone (as a page of another site could) is refused, and the
/// live stream sends the dashboard's state as it changes and ends with the session.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleSessionTests : IAsyncLifetime, IDisposable
{
    private TestDatabase _database = null!;
    private CmsUnderTest _cms = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.SqliteAsync();
        _cms = await CmsUnderTest.StartAsync(_database);
        _browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = _cms.Process.BaseUrl,
        };
    }

    public async Task DisposeAsync()
    {
        await _cms.DisposeAsync();
        await _database.DisposeAsync();
    }

    public void Dispose() => _browser?.Dispose();

    [Fact]
    public async Task Every_page_but_sign_in_redirects_to_it_until_the_console_signs_in()
    {
        foreach (var page in new[] { "/", "/events", "/settings" })
        {
            var response = await _browser.GetAsync(page);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, page);
            response.Headers.Location!.ToString().ShouldBe("/login");
        }

        var login = await _browser.GetAsync("/login");
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        login.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        login.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("default-src 'self'");
        (await _browser.GetAsync("/console/app.js")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await SignInAsync();
        var index = await _browser.GetAsync("/");
        index.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await index.Content.ReadAsStringAsync()).ShouldContain("/console/app.js");
        index.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_and_a_change_needs_the_consoles_header()
    {
        var withoutHeader = await _browser.PostAsJsonAsync(CmsRoutes.ConsoleSession, new LoginRequest("admin", CmsUnderTest.Password), ContractJson.Options);
        await withoutHeader.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "auth.console-header-required");

        var signIn = await SignInAsync();
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single();
        cookie.ShouldStartWith("vigil_session=", customMessage: "plain http keeps the plain name: browsers refuse a __Host- or Secure cookie there");
        cookie.ShouldNotContain("secure", Case.Insensitive);
        signIn.Headers.Contains("Strict-Transport-Security").ShouldBeFalse("HSTS means nothing over plain http");
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        (await signIn.Content.ReadFromJsonAsync<ConsoleSessionView>(ContractJson.Options))!.User.ShouldBe("admin");
        (await signIn.Content.ReadAsStringAsync()).ShouldNotContain(cookie["vigil_session=".Length..cookie.IndexOf(';', StringComparison.Ordinal)]);

        (await _browser.GetAsync(CmsRoutes.Groups)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var forged = await _browser.PostAsJsonAsync(CmsRoutes.Groups, new GroupRequest("Forged"), ContractJson.Options);
        await forged.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        (await SendAsConsoleAsync(HttpMethod.Post, CmsRoutes.Groups, new GroupRequest("Warehouse"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await _cms.GetAsync<GroupList>(CmsRoutes.Groups)).Groups.Select(g => g.Name).ShouldBe(["Failover Group 1", "Warehouse"]);

        (await SendAsConsoleAsync(HttpMethod.Delete, CmsRoutes.ConsoleSession)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _browser.GetAsync(CmsRoutes.Groups)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _browser.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task The_live_stream_sends_the_state_then_each_change_and_ends_with_the_session()
    {
        await SignInAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, CmsRoutes.Updates);
        using var response = await _browser.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await NextSnapshotAsync(stream);
        first.Groups.Select(g => g.Name).ShouldBe(["Failover Group 1"]);
        first.Summary.Total.ShouldBe(0);

        (await _cms.PostAsync(CmsRoutes.Groups, new GroupRequest("Warehouse"))).EnsureSuccessStatusCode();
        var next = await NextSnapshotAsync(stream);
        next.Groups.Select(g => g.Name).ShouldBe(["Failover Group 1", "Warehouse"]);
        next.LastEventId.ShouldBeGreaterThan(first.LastEventId);

        (await SendAsConsoleAsync(HttpMethod.Delete, CmsRoutes.ConsoleSession)).EnsureSuccessStatusCode();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        (await stream.ReadToEndAsync(deadline.Token)).ShouldNotContain("event: snapshot");
    }

    private async Task<HttpResponseMessage> SignInAsync()
    {
        var response = await SendAsConsoleAsync(HttpMethod.Post, CmsRoutes.ConsoleSession, new LoginRequest("admin", CmsUnderTest.Password));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return response;
    }

    private Task<HttpResponseMessage> SendAsConsoleAsync(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(CmsRoutes.ConsoleHeader, "1");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ContractJson.Options);
        }

        return _browser.SendAsync(request);
    }

    /// <summary>Reads server-sent events until the next snapshot, within ten seconds.</summary>
    private static async Task<LiveSnapshot> NextSnapshotAsync(StreamReader stream)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? eventName = null;
        while (await stream.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "snapshot")
            {
                return JsonSerializer.Deserialize<LiveSnapshot>(line["data: ".Length..], ContractJson.Options)!;
            }
        }

        throw new EndOfStreamException("The live stream ended before a snapshot.");
    }
}
