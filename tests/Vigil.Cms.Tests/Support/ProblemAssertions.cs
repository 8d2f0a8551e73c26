using System.Net;
using System.Text.Json;

namespace Vigil.Cms.Tests.Support;

public static class ProblemAssertions
{
    public static async Task ShouldHaveStatusAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != status)
        {
            throw new ShouldAssertException($"Expected {(int)status} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Checks an RFC 9457 problem response: its status, its content type and the rule it names.</summary>
    public static async Task<string> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string rule)
    {
        ArgumentNullException.ThrowIfNull(response);
        await response.ShouldHaveStatusAsync(status);
        response.Content.Headers.ContentType.ShouldNotBeNull("a problem response names its content type").MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("rule").GetString().ShouldBe(rule);
        problem.RootElement.GetProperty("type").GetString().ShouldBe($"urn:vigil:problem:{rule}");
        return problem.RootElement.GetProperty("detail").GetString()!;
    }
}
