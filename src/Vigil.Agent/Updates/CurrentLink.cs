namespace Vigil.Agent.Updates;

/// <summary>
/// Points <c>ROOT/current</c> at another version in one step: a new link made beside it, then renamed over it (rename is
/// atomic), so a start at any moment runs either the old version or the new one, never neither.
/// </summary>
internal static class CurrentLink
{
    public static string? Target(ProgramLayout layout) => new FileInfo(layout.Current).LinkTarget;

    public static void Switch(ProgramLayout layout, string target)
    {
        var fresh = Path.Combine(layout.Root, $".{ProgramLayout.CurrentLink}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(fresh, target);
        File.Move(fresh, layout.Current, overwrite: true);
    }
}
