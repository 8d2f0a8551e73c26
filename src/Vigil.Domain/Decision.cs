namespace Vigil.Domain;

/// <summary>The answer of a rule that either allows an action or refuses it with a reason.</summary>
public readonly record struct Decision
{
    private Decision(Refusal? refusal) => Refusal = refusal;

    public static Decision Allowed { get; } = new(null);

    public Refusal? Refusal { get; }

    public bool IsAllowed => Refusal is null;

    public static Decision Refuse(string rule, string message) => new(new Refusal(rule, message));
}
