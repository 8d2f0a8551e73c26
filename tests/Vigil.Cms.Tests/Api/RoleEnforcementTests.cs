using System.Net;
using System.Text;
using System.Text.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.Api;

/// <summary>
/// Walks every endpoint of the CMS's OpenAPI document as a viewer and as an operator: a viewer is refused every
/// change, an operator every change but the failover actions. An endpoint added without a policy is open to
/// viewers and fails here.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class RoleEnforcementTests : IAsyncLifetime
{
    /// <summary>Sign-in, sign-out and one's own password: the only changes every role may make, each to the caller's own account.</summary>
    private static readonly HashSet<string> OwnAccount =
    [
        $"POST {CmsRoutes.Login}", $"DELETE {CmsRoutes.Login}", $"POST {CmsRoutes.ConsoleSession}", $"DELETE {CmsRoutes.ConsoleSession}",
        $"PUT {CmsRoutes.Password}",
    ];

    /// <summary>What an operator may change: the failover actions (a drill is one), and the first admin's re-authentication some of them need.</summary>
    private static readonly HashSet<string> FailoverActions =
    [
        $"POST {CmsRoutes.Servers}/{{id}}/failover", $"POST {CmsRoutes.Servers}/{{id}}/failback", $"DELETE {CmsRoutes.Servers}/{{id}}/restore",
        $"POST {CmsRoutes.Servers}/{{id}}/replace", $"DELETE {CmsRoutes.Servers}/{{id}}/protection-failure", $"POST {CmsRoutes.Reauthenticate}",
        $"POST {CmsRoutes.Drills}",
    ];

    private TestDatabase _database = null!;
    private CmsUnderTest _cms = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.SqliteAsync();
        _cms = await CmsUnderTest.StartAsync(_database);
    }

    public async Task DisposeAsync()
    {
        await _cms.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_viewer_is_refused_every_change_and_an_operator_every_change_but_the_failover_actions()
    {
        using var viewer = await _cms.AddUserAsync("vera", UserRoles.Viewer);
        using var operatorClient = await _cms.AddUserAsync("otto", UserRoles.Operator);
        var endpoints = await EndpointsAsync();
        var changes = endpoints.Where(e => e.Method != "GET").ToList();
        OwnAccount.ShouldBeSubsetOf(changes.Select(e => e.Key), "the own-account list names real endpoints");
        FailoverActions.ShouldBeSubsetOf(changes.Select(e => e.Key), "the failover action list names real endpoints");
        changes.Count.ShouldBeGreaterThan(20, "the walk covers the whole API");

        foreach (var endpoint in changes.Where(e => !OwnAccount.Contains(e.Key)))
        {
            var asViewer = await SendAsync(viewer, endpoint);
            asViewer.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"a viewer calling {endpoint.Key}");
            (await asViewer.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "auth.role-forbidden")).ShouldContain("your role is viewer", Case.Sensitive, endpoint.Key);

            var asOperator = await SendAsync(operatorClient, endpoint);
            if (FailoverActions.Contains(endpoint.Key))
            {
                asOperator.StatusCode.ShouldNotBe(HttpStatusCode.Forbidden, $"{endpoint.Key} is a failover action");
            }
            else
            {
                asOperator.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"an operator calling {endpoint.Key}");
                (await asOperator.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "auth.role-forbidden")).ShouldContain("administrator", Case.Sensitive, endpoint.Key);
            }
        }

        (await _cms.GetAsync<GroupList>(CmsRoutes.Groups)).Groups.ShouldHaveSingleItem("nothing was added by the refused calls");
    }

    [Fact]
    public async Task Every_role_reads_everything_but_the_user_list_which_is_for_administrators()
    {
        using var viewer = await _cms.AddUserAsync("vera", UserRoles.Viewer);
        using var operatorClient = await _cms.AddUserAsync("otto", UserRoles.Operator);
        var reads = (await EndpointsAsync()).Where(e => e.Method == "GET").ToList();
        reads.Select(e => e.Path).ShouldContain(CmsRoutes.Updates);

        foreach (var endpoint in reads)
        {
            foreach (var (client, role) in new[] { (viewer, "viewer"), (operatorClient, "operator") })
            {
                using var response = await SendAsync(client, endpoint);
                if (endpoint.Path.StartsWith(CmsRoutes.Users, StringComparison.Ordinal))
                {
                    await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "auth.role-forbidden");
                }
                else
                {
                    response.StatusCode.ShouldBeOneOf([HttpStatusCode.OK, HttpStatusCode.NotFound], $"{role}: {endpoint.Key}");
                }
            }
        }
    }

    private async Task<List<Endpoint>> EndpointsAsync()
    {
        using var document = JsonDocument.Parse(await _cms.Http.GetStringAsync(CmsRoutes.OpenApi.TrimStart('/')));
        return document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => new Endpoint(operation.Name.ToUpperInvariant(), path.Name)))
            .ToList();
    }

    /// <summary>Calls the endpoint for an id that does not exist, with an empty body: a call that is let through changes nothing.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Endpoint endpoint)
    {
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path.Replace("{id}", "999", StringComparison.Ordinal).TrimStart('/'));
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        // Headers only: the live stream's answer never ends.
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private sealed record Endpoint(string Method, string Path)
    {
        public string Key => $"{Method} {Path}";
    }
}
