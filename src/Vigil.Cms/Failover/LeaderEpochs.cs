using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Leadership;
using Vigil.Cms.Storage;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>
/// The epochs the leading host issues. An agent obeys no command under an epoch older than the highest it has obeyed, so
/// epochs must keep growing across everything that can stand behind the CMS: another host taking the lead, a database
/// restored from a backup, a new database. "The highest stored, plus one" would restart low in the last two and leave the
/// agents refusing every command, so no epoch is below the leader term it is issued under: terms are the time the lead
/// began in microseconds and always above the term before, and a term issues far fewer epochs than a microsecond count
/// grows by before the next term can begin.
/// </summary>
internal sealed class LeaderEpochs(HostLeadership leadership)
{
    /// <summary>This host's leader term; only a leading host opens episodes or gives agents commands.</summary>
    public long Term => leadership.Term?.Grant.Term
        ?? throw new InvalidOperationException("This CMS host does not lead, so it gives no commands to agents.");

    /// <summary>
    /// The newest epoch issued, and never below this term: commands that start nothing (releases, removals) carry it,
    /// and the next takeover carries one more.
    /// </summary>
    public async Task<Epoch> CurrentAsync(CmsDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = await db.Episodes.MaxAsync(e => (long?)e.Epoch, cancellationToken).ConfigureAwait(false) ?? 0;
        return new Epoch(Math.Max(stored, Term));
    }
}
