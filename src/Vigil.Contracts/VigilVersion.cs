namespace Vigil.Contracts;

/// <summary>The version of this build of Vigil; CMS and agents compare it (an agent older than its CMS cannot be a standby).</summary>
public static class VigilVersion
{
    public static Version Current { get; } = typeof(VigilVersion).Assembly.GetName().Version is { } v ? new Version(v.Major, v.Minor, v.Build) : new Version(0, 0, 0);
}
