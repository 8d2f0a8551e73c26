namespace Vigil.Domain.Inventory;

/// <summary>How many groups a CMS holds and how many servers a group holds (QNAP's limits by default).</summary>
public sealed record InventoryLimits(int MaxGroups = 16, int MaxServersPerGroup = 64)
{
    public const int Ceiling = 100_000;

    public static InventoryLimits Default { get; } = new();

    public IReadOnlyList<Refusal> Validate()
    {
        var refusals = new List<Refusal>();
        if (MaxGroups is < 1 or > Ceiling)
        {
            refusals.Add(new Refusal("settings.max-groups", $"The group limit must be between 1 and {Ceiling}."));
        }

        if (MaxServersPerGroup is < 2 or > Ceiling)
        {
            refusals.Add(new Refusal("settings.max-servers-per-group",
                $"The servers-per-group limit must be between 2 and {Ceiling} (a group needs a recording server and a standby)."));
        }

        return refusals;
    }
}
