using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Failover;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Updates;

/// <summary>
/// Where the online update feed is: a folder on the CMS machine or an https URL (plain http is refused: the catalog is not
/// signed, and although every package is, a feed that can be altered on the way could hide the newest version). Its own
/// document in the settings table, read at every use, so every CMS host sees a change at once.
/// </summary>
internal sealed class UpdateSettingsStore(IServiceScopeFactory scopes, TimeProvider time)
{
    public const string FeedRule = "update.feed-location";
    private const string Key = "updates";

    public async Task<UpdateSettingsView> ReadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var stored = await SettingsDocuments.ReadAsync(db, Key, cancellationToken).ConfigureAwait(false);
        return stored is null ? new UpdateSettingsView(null) : JsonSerializer.Deserialize<UpdateSettingsView>(stored, ContractJson.Options)!;
    }

    public async Task<UpdateSettingsView> SaveAsync(UpdateSettingsView view, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        var feed = string.IsNullOrWhiteSpace(view.Feed) ? null : view.Feed.Trim();
        if (feed is not null && Problem(feed) is { } problem)
        {
            throw new RefusedException(FeedRule, problem);
        }

        var saved = new UpdateSettingsView(feed);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var json = JsonSerializer.Serialize(saved, ContractJson.Options);
        await SettingsDocuments.PutAsync(db, Key, json, cancellationToken).ConfigureAwait(false);
        db.Events.Add(EventLog.Operator(null, string.Empty, "change update settings", json, actor, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return saved;
    }

    /// <summary>Why <paramref name="feed"/> is not a usable feed location, or null.</summary>
    public static string? Problem(string feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (feed.Contains("://", StringComparison.Ordinal))
        {
            return Uri.TryCreate(feed, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.UserInfo)
                ? null
                : $"The update feed '{feed}' must be an https:// URL (without a user or password in it) or an absolute folder path on the CMS machine.";
        }

        return Path.IsPathFullyQualified(feed) ? null : $"The update feed folder '{feed}' must be an absolute path on the CMS machine.";
    }
}
