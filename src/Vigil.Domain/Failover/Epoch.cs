namespace Vigil.Domain.Failover;

/// <summary>
/// A fencing token: every takeover command carries a new, higher epoch, and an agent refuses any
/// command older than the newest it has obeyed, so a delayed or replayed command cannot undo a newer one.
/// </summary>
public readonly record struct Epoch(long Value) : IComparable<Epoch>
{
    public static Epoch None { get; } = new(0);

    public Epoch Next() => new(Value + 1);

    public int CompareTo(Epoch other) => Value.CompareTo(other.Value);

    public static bool operator <(Epoch left, Epoch right) => left.Value < right.Value;

    public static bool operator >(Epoch left, Epoch right) => left.Value > right.Value;

    public static bool operator <=(Epoch left, Epoch right) => left.Value <= right.Value;

    public static bool operator >=(Epoch left, Epoch right) => left.Value >= right.Value;

    public override string ToString() => $"epoch {Value}";
}
