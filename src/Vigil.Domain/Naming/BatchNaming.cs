using System.Globalization;
using System.Text;

namespace Vigil.Domain.Naming;

/// <summary>A server about to be batch added, as its agent describes itself.</summary>
public sealed record BatchMember(string AgentName, string Model);

/// <summary>The name batch add would give one member, or why it cannot.</summary>
public sealed record ProposedName(BatchMember Member, string Name, Refusal? Refusal)
{
    public bool IsValid => Refusal is null;
}

/// <summary>The names batch add would give; the batch may proceed only if every name is valid.</summary>
public sealed record BatchNames(IReadOnlyList<ProposedName> Names)
{
    public bool AllValid => Names.All(n => n.IsValid);

    public Refusal? FirstRefusal => Names.FirstOrDefault(n => !n.IsValid)?.Refusal;
}

/// <summary>
/// Generates display names for batch add. Every generated name passes <see cref="ServerNames"/>;
/// a prefix that would make an invalid or over-long name refuses the whole batch, so the caller
/// can reject it before adding anything.
/// </summary>
public static class BatchNaming
{
    /// <summary>The base used for <see cref="NamingRule.ModelNumber"/> when a model has no usable characters.</summary>
    public const string FallbackModel = "Server";

    public static class Rules
    {
        public const string PrefixRequired = "batch-naming.prefix-required";
        public const string InvalidPrefix = "batch-naming.invalid-prefix";
    }

    public static BatchNames Propose(
        NamingRule rule, string? prefix, IReadOnlyList<BatchMember> members, IEnumerable<string> namesInUse)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(namesInUse);

        var taken = new HashSet<string>(namesInUse.Select(ServerNames.Normalize), StringComparer.Ordinal);
        var proposals = new List<ProposedName>(members.Count);
        var prefixRefusal = rule == NamingRule.PrefixNumber ? CheckPrefix(prefix) : null;

        foreach (var member in members)
        {
            if (prefixRefusal is not null)
            {
                proposals.Add(new ProposedName(member, $"{prefix}-?", prefixRefusal));
                continue;
            }

            var name = rule switch
            {
                NamingRule.Default => ServerNames.Normalize(member.AgentName),
                NamingRule.ModelNumber => NextFree(ModelBase(member.Model), taken),
                NamingRule.PrefixNumber => NextFree(ServerNames.Normalize(prefix!), taken),
                _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown naming rule."),
            };

            var decision = ServerNames.Validate(name, taken);
            if (decision.IsAllowed)
            {
                taken.Add(name);
            }

            proposals.Add(new ProposedName(member, name, decision.Refusal is null ? null : Explain(rule, decision.Refusal)));
        }

        return new BatchNames(proposals);
    }

    private static Refusal? CheckPrefix(string? prefix)
    {
        if (string.IsNullOrWhiteSpace(prefix))
        {
            return new Refusal(Rules.PrefixRequired, "The prefix-number naming rule needs a prefix.");
        }

        // The shortest name the prefix can make; if that is invalid, every name is.
        var form = ServerNames.Validate($"{prefix}-1");
        return form.Refusal is null
            ? null
            : new Refusal(Rules.InvalidPrefix, $"The prefix '{prefix}' cannot make a valid name: {form.Refusal.Message}");
    }

    private static Refusal Explain(NamingRule rule, Refusal refusal) => rule switch
    {
        NamingRule.PrefixNumber when refusal.Rule == ServerNames.Rules.TooLong =>
            new Refusal(Rules.InvalidPrefix, $"The prefix is too long for this many servers: {refusal.Message}"),
        _ => refusal,
    };

    /// <summary>
    /// The model part of a model-number name: the model with the characters a name may not hold
    /// removed, shortened so that "-N" still fits.
    /// </summary>
    private static string ModelBase(string model)
    {
        var usable = string.Concat((model ?? string.Empty).EnumerateRunes()
            .Where(r => r != Rune.ReplacementChar && !Rune.IsControl(r) && !(r.IsAscii && ServerNames.ForbiddenSymbols.Contains((char)r.Value)))
            .Select(r => r.ToString()));
        var kept = ServerNames.Normalize(usable).TrimEnd();
        var start = 0;
        while (start < kept.Length && (kept[start] == '-' || char.IsWhiteSpace(kept[start])))
        {
            start++;
        }

        kept = kept[start..];
        if (kept.Length == 0)
        {
            return FallbackModel;
        }

        const int roomForNumber = 4; // "-" and up to three digits
        var info = new StringInfo(kept);
        return info.LengthInTextElements <= ServerNames.MaxLength - roomForNumber
            ? kept
            : info.SubstringByTextElements(0, ServerNames.MaxLength - roomForNumber).TrimEnd();
    }

    private static string NextFree(string stem, HashSet<string> taken)
    {
        for (var n = 1; ; n++)
        {
            var candidate = $"{stem}-{n.ToString(CultureInfo.InvariantCulture)}";
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
