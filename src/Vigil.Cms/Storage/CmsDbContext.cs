using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Vigil.Cms.Storage;

/// <summary>The CMS database, on SQLite or PostgreSQL. Its schema comes from the hand-written migrations in <c>Migrations/</c>.</summary>
internal sealed class CmsDbContext(DbContextOptions<CmsDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<UserRow> Users => Set<UserRow>();

    public DbSet<SessionRow> Sessions => Set<SessionRow>();

    public DbSet<GroupRow> Groups => Set<GroupRow>();

    public DbSet<ServerRow> Servers => Set<ServerRow>();

    public DbSet<SettingRow> Settings => Set<SettingRow>();

    public DbSet<EpisodeRow> Episodes => Set<EpisodeRow>();

    public DbSet<EventRow> Events => Set<EventRow>();

    public DbSet<AlertDeliveryRow> AlertDeliveries => Set<AlertDeliveryRow>();
    public DbSet<DrillRow> Drills => Set<DrillRow>();

    /// <summary>The Data Protection key ring when the CMS runs on PostgreSQL, so every CMS host can read the agents' credentials.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<UpdatePackageRow> UpdatePackages => Set<UpdatePackageRow>();

    public DbSet<ServerUpdateRow> ServerUpdates => Set<ServerUpdateRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        modelBuilder.Entity<UserRow>(user =>
        {
            user.ToTable("users");
            user.HasIndex(u => u.Name).IsUnique();
        });
        modelBuilder.Entity<SessionRow>(session =>
        {
            session.ToTable("sessions");
            session.HasIndex(s => s.TokenHash).IsUnique();
            session.HasOne<UserRow>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<GroupRow>(group =>
        {
            group.ToTable("groups");
            group.HasIndex(g => g.Name).IsUnique();
        });
        modelBuilder.Entity<ServerRow>(server =>
        {
            server.ToTable("servers");
            server.HasIndex(s => s.Name).IsUnique();
            server.HasIndex(s => s.Serial).IsUnique();
            server.HasOne<GroupRow>().WithMany().HasForeignKey(s => s.GroupId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<SettingRow>(setting =>
        {
            setting.ToTable("settings");
            setting.HasKey(s => s.Key);
        });
        modelBuilder.Entity<EpisodeRow>(episode =>
        {
            episode.ToTable("episodes");
            episode.HasIndex(e => e.IsOpen);
            episode.Property(e => e.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<EventRow>(row =>
        {
            row.ToTable("events");
            row.HasIndex(e => e.At);
            row.HasIndex(e => e.ServerId);
        });
        modelBuilder.Entity<AlertDeliveryRow>(row =>
        {
            row.ToTable("alert_deliveries");
            row.HasIndex(d => d.State);
        });
        modelBuilder.Entity<DrillRow>(drill =>
        {
            drill.ToTable("drills");
            drill.HasIndex(d => d.ServerId);
            drill.HasIndex(d => d.State);
        });
        modelBuilder.Entity<UpdatePackageRow>(package =>
        {
            package.ToTable("update_packages");
            package.HasIndex(p => p.Sha256).IsUnique();
        });
        modelBuilder.Entity<ServerUpdateRow>(update =>
        {
            update.ToTable("server_updates");
            update.HasIndex(u => u.ServerId);
            update.HasIndex(u => u.IsOpen);
        });
    }
}
