using System.Text.Json;
using Vigil.Contracts;
using Vigil.Hosting;

namespace Vigil.Agent.Updates;

/// <summary>
/// <c>DATA/update/state.json</c> (0600, in a 0700 folder with the database backups and incoming packages): a small file
/// rather than the database, because it must be read before the database is opened — by a new version that may not
/// open it, or may migrate it — and must survive the database being restored. Written aside and renamed.
/// </summary>
internal sealed class UpdateStateFile
{
    public const string FolderName = "update";

    private static readonly JsonSerializerOptions Json = new(ContractJson.Options) { WriteIndented = true };

    private readonly string _path;

    public UpdateStateFile(string dataDirectory)
    {
        Folder = Path.Combine(dataDirectory, FolderName);
        PrivateFiles.EnsureDirectory(Folder);
        _path = Path.Combine(Folder, "state.json");
    }

    public string Folder { get; }

    /// <summary>The state; <see cref="UpdateState.Idle"/> when none was written or it cannot be read (no update to finish then).</summary>
    public UpdateState Read()
    {
        try
        {
            return File.Exists(_path) ? JsonSerializer.Deserialize<UpdateState>(File.ReadAllBytes(_path), Json) ?? UpdateState.Idle : UpdateState.Idle;
        }
        catch (JsonException)
        {
            return UpdateState.Idle;
        }
    }

    public void Write(UpdateState state)
    {
        var partial = _path + ".partial";
        PrivateFiles.WriteAllBytes(partial, JsonSerializer.SerializeToUtf8Bytes(state, Json));
        File.Move(partial, _path, overwrite: true);
    }
}
