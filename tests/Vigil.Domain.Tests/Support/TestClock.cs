using Microsoft.Extensions.Time.Testing;

namespace Vigil.Domain.Tests.Support;

/// <summary>Clocks that move only when a test says so, all starting at the same instant so times in details are predictable.</summary>
internal static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider New() => new(Start);
}
