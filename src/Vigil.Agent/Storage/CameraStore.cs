using Vigil.Contracts.Agent;

namespace Vigil.Agent.Storage;

/// <summary>The cameras the agent records: its own (owner <see cref="AgentRoutes.OwnRecordings"/>) and those of protected servers.</summary>
public sealed class CameraStore(AgentDatabase database)
{
    public IReadOnlyList<CameraConfig> List(string owner)
    {
        using var connection = database.Open();
        return connection.Query(
            "SELECT id, name, stream_url, recording, retention_hours FROM cameras WHERE owner = $owner ORDER BY id",
            r => new CameraConfig(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3) != 0, r.GetInt32(4)),
            ("$owner", owner));
    }

    public IReadOnlyList<(string Owner, CameraConfig Camera)> All()
    {
        using var connection = database.Open();
        return connection.Query(
            "SELECT owner, id, name, stream_url, recording, retention_hours FROM cameras ORDER BY owner, id",
            r => (r.GetString(0), new CameraConfig(r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4) != 0, r.GetInt32(5))));
    }

    public CameraConfig? Find(string owner, string id) => List(owner).FirstOrDefault(c => c.Id == id);

    /// <summary>Adds or replaces a camera.</summary>
    public void Put(string owner, CameraConfig camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        using var connection = database.Open();
        Insert(connection, owner, camera);
    }

    /// <summary>Makes <paramref name="cameras"/> the whole camera list of <paramref name="owner"/>.</summary>
    public void Replace(string owner, IReadOnlyList<CameraConfig> cameras)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        using var connection = database.Open();
        connection.InTransaction(() =>
        {
            connection.Execute("DELETE FROM cameras WHERE owner = $owner", ("$owner", owner));
            foreach (var camera in cameras)
            {
                Insert(connection, owner, camera);
            }
        });
    }

    private static void Insert(Microsoft.Data.Sqlite.SqliteConnection connection, string owner, CameraConfig camera) =>
        connection.Execute(
            """
            INSERT INTO cameras(owner, id, name, stream_url, recording, retention_hours) VALUES($owner, $id, $name, $url, $recording, $retention)
            ON CONFLICT(owner, id) DO UPDATE SET name = excluded.name, stream_url = excluded.stream_url,
                recording = excluded.recording, retention_hours = excluded.retention_hours
            """,
            ("$owner", owner), ("$id", camera.Id), ("$name", camera.Name), ("$url", camera.StreamUrl),
            ("$recording", camera.Recording ? 1 : 0), ("$retention", camera.RetentionHours));

    public bool Remove(string owner, string id)
    {
        using var connection = database.Open();
        return connection.Execute("DELETE FROM cameras WHERE owner = $owner AND id = $id", ("$owner", owner), ("$id", id)) > 0;
    }
}
