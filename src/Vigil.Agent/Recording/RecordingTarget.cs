using Vigil.Contracts.Agent;

namespace Vigil.Agent.Recording;

/// <summary>
/// A camera to record and where: own cameras under <c>own/{camera}</c>, a protected server's under
/// <c>failover/{server}/{camera}</c>, in the given recording space.
/// </summary>
public sealed record RecordingTarget(string Owner, CameraConfig Camera, string Space)
{
    public string Key => $"{Owner}/{Camera.Id}";

    /// <summary>The camera's folder, relative to the space.</summary>
    public string RelativeFolder => Folder(Owner, Camera.Id);

    public static string OwnerFolder(string owner) =>
        owner == AgentRoutes.OwnRecordings ? AgentRoutes.OwnRecordings : Path.Combine("failover", owner);

    public static string Folder(string owner, string camera) => Path.Combine(OwnerFolder(owner), camera);

    /// <summary>Reads owner and camera back from a path relative to a space; null if it is not a recording's path.</summary>
    public static (string Owner, string Camera)? Parse(string relativePath)
    {
        var parts = relativePath.Split(Path.DirectorySeparatorChar);
        return parts switch
        {
            [AgentRoutes.OwnRecordings, var camera, _, _] => (AgentRoutes.OwnRecordings, camera),
            ["failover", var server, var camera, _, _] => (server, camera),
            _ => null,
        };
    }
}
