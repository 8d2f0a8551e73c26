using System.Security.Cryptography;
using System.Text;
using Vigil.Hosting;

namespace Vigil.Cms.Leadership;

/// <summary>
/// Who this CMS host is to the others: <see cref="HostId"/> is kept in the data directory, so a host keeps it across
/// restarts; <see cref="Incarnation"/> is new in every process and is what holds the lease, so each start of a host is
/// a new holder with a new generation. <see cref="Fingerprint"/> is the SHA-256 fingerprint of the certificate it serves
/// TLS with (null over plain http): published with the lease, so a standby host that forwards a request to the leader
/// sends it only to the certificate the leader itself announced.
/// </summary>
internal sealed record HostIdentity(string HostId, string Incarnation, string Name, string? Fingerprint = null)
{
    public const string IdFileName = "host-id";

    public const string LockFileName = "host.lock";

    public static HostIdentity LoadOrCreate(string dataDirectory, string name, string? fingerprint)
    {
        var path = Path.Combine(dataDirectory, IdFileName);
        if (!File.Exists(path))
        {
            PrivateFiles.WriteAllBytes(path, Encoding.ASCII.GetBytes(NewId()));
        }

        return new HostIdentity(File.ReadAllText(path).Trim(), NewId(), name, fingerprint);
    }

    /// <summary>
    /// Locks the data directory for this process's lifetime (the lock goes with the process, even on SIGKILL). Holding
    /// it proves that no earlier process of this host still runs, which lets a restarted host take over the lease its
    /// previous process held at once instead of waiting for it to lapse.
    /// </summary>
    /// <param name="sqlite">The host keeps its state in this directory's SQLite database, which only one host may use.</param>
    /// <exception cref="IOException">Another <c>vigil cms</c> runs on this data directory.</exception>
    public static FileStream LockDataDirectory(string dataDirectory, bool sqlite)
    {
        var path = Path.Combine(dataDirectory, LockFileName);
        try
        {
            // On Linux, FileShare.None takes an exclusive advisory lock (flock) on the file.
            var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            PrivateFiles.EnsureFile(path);
            return held;
        }
        catch (IOException e)
        {
            throw new IOException(
                $"another vigil cms already runs on the data directory {dataDirectory}"
                + (sqlite ? "; a CMS on SQLite runs as a single host: several CMS hosts need PostgreSQL (--database), each with its own data directory" : string.Empty),
                e);
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
