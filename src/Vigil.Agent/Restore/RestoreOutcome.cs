using Microsoft.AspNetCore.Http;
using Vigil.Hosting;

namespace Vigil.Agent.Restore;

/// <summary>What became of one recording sent or fetched home: kept (catalogued), or refused with a rule and why.</summary>
internal sealed record RestoreOutcome(Contracts.Agent.Recording? Kept, string? Rule = null, string? Problem = null, int Status = StatusCodes.Status200OK)
{
    public static RestoreOutcome Refused(string rule, string problem, int status = StatusCodes.Status400BadRequest) => new(null, rule, problem, status);

    public IResult ToResult() => Kept is not null ? Results.Ok(Kept) : Problems.Refuse(Rule!, Problem!, Status);
}
