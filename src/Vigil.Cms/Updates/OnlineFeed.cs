using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Contracts.Updates;
using Vigil.Domain.Versions;

namespace Vigil.Cms.Updates;

/// <summary>
/// The online update feed: <c>catalog.json</c> and its packages in a folder or at an https URL. The catalog only says what
/// exists; a package fetched from it is kept only after the same verification as an upload, and only if it is the version
/// and the file (SHA-256) the catalog promised.
/// </summary>
internal sealed class OnlineFeed(UpdateSettingsStore settings, UpdatePackageStore packages, IHttpClientFactory http)
{
    public const string HttpClientName = "update-feed";
    public const string NoFeedRule = "update.no-feed";
    public const string FeedUnreadableRule = "update.feed-unreadable";
    public const string FeedMismatchRule = "update.feed-mismatch";

    /// <summary>The catalog as read now, or why it could not be read.</summary>
    public async Task<(string? Feed, UpdateCatalog? Catalog, string? Error)> ReadAsync(CancellationToken cancellationToken)
    {
        var feed = (await settings.ReadAsync(cancellationToken).ConfigureAwait(false)).Feed;
        if (feed is null)
        {
            return (null, null, "No online update feed is set (vigil settings set update-feed FOLDER-OR-HTTPS-URL).");
        }

        try
        {
            var catalog = await ReadCatalogAsync(feed, cancellationToken).ConfigureAwait(false);
            return catalog.Product == "vigil"
                ? (feed, catalog, null)
                : (feed, null, $"The feed's catalog lists packages of '{catalog.Product}', not of Vigil.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or JsonException or TaskCanceledException)
        {
            return (feed, null, $"The online update feed {feed} cannot be read: {e.Message}");
        }
    }

    public async Task<UpdateCatalogEntry?> FindAsync(string version, CancellationToken cancellationToken)
    {
        var (feed, catalog, error) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (catalog is null)
        {
            throw new RefusedException(feed is null ? NoFeedRule : FeedUnreadableRule, error!, StatusCodes.Status409Conflict);
        }

        return catalog.Versions.FirstOrDefault(v => v.Version == version);
    }

    /// <summary>The package of <paramref name="version"/>: the one held already, or fetched from the feed and verified.</summary>
    public async Task<UpdatePackageView> FetchAsync(string version, CancellationToken cancellationToken)
    {
        if (await packages.FindVersionAsync(version, cancellationToken).ConfigureAwait(false) is { } held)
        {
            return UpdatePackageStore.ToView(held);
        }

        var (feed, catalog, error) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var entry = catalog?.Versions.FirstOrDefault(v => v.Version == version)
            ?? throw new RefusedException(FeedUnreadableRule, error ?? $"The online update feed no longer offers {version}.");
        if (entry.File.Contains('/', StringComparison.Ordinal) || entry.File.Contains('\\', StringComparison.Ordinal) || entry.File.StartsWith('.'))
        {
            throw new RefusedException(FeedMismatchRule, $"The feed names the package of {version} '{entry.File}', which is not a plain file name.");
        }

        var content = await OpenAsync(feed!, entry.File, cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            var kept = await packages.AddAsync(content, "feed", UpdateRunner.Actor, cancellationToken).ConfigureAwait(false);
            if (kept.Version != version || !string.Equals(kept.Sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new RefusedException(FeedMismatchRule,
                    $"The feed's file for {version} holds version {kept.Version} with SHA-256 {kept.Sha256}; its catalog promised {entry.Sha256}.");
            }

            return kept;
        }
    }

    /// <summary>What each server may move to: the feed's versions this CMS manages that are newer than its agent and accept updating from it.</summary>
    public static IReadOnlyList<string> OffersFor(Version agent, IEnumerable<UpdateCatalogEntry> versions, Version cms) =>
        versions
            .Where(v => Version.TryParse(v.Version, out var target) && Version.TryParse(v.OldestFrom, out var oldest)
                && VersionCompatibility.UpdateRefusal(agent, target, cms) is null && agent >= oldest)
            .Select(v => v.Version)
            .ToList();

    private async Task<UpdateCatalog> ReadCatalogAsync(string feed, CancellationToken cancellationToken)
    {
        if (!IsUrl(feed))
        {
            var stream = File.OpenRead(Path.Combine(feed, UpdateCatalog.FileName));
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync<UpdateCatalog>(stream, ContractJson.Options, cancellationToken).ConfigureAwait(false)
                    ?? throw new JsonException("the catalog is empty");
            }
        }

        using var client = http.CreateClient(HttpClientName);
        return await client.GetFromJsonAsync<UpdateCatalog>(Combine(feed, UpdateCatalog.FileName), ContractJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("the catalog is empty");
    }

    private async Task<Stream> OpenAsync(string feed, string file, CancellationToken cancellationToken)
    {
        try
        {
            if (!IsUrl(feed))
            {
                return File.OpenRead(Path.Combine(feed, file));
            }

            var client = http.CreateClient(HttpClientName);
            var response = await client.GetAsync(Combine(feed, file), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            throw new RefusedException(FeedUnreadableRule, $"The package {file} cannot be read from {feed}: {e.Message}");
        }
    }

    private static bool IsUrl(string feed) => feed.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static Uri Combine(string feed, string file) => new(new Uri(feed.EndsWith('/') ? feed : feed + "/"), Uri.EscapeDataString(file));
}
