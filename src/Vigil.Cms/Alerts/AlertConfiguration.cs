namespace Vigil.Cms.Alerts;

/// <summary>Where alerts go, as stored (one settings document): secrets sealed with the CMS's key ring.</summary>
internal sealed record AlertConfiguration(int NextWebhookId, IReadOnlyList<StoredWebhook> Webhooks, StoredEmail? Email)
{
    public static AlertConfiguration Empty { get; } = new(1, [], null);
}

/// <param name="SealedUrl">The URL, sealed: many services put their own secret in a webhook's path.</param>
/// <param name="DisplayUrl">What is shown of it: scheme, host and port.</param>
/// <param name="Kinds">The alert kinds sent to it; empty for all.</param>
internal sealed record StoredWebhook(int Id, string SealedUrl, string DisplayUrl, string SealedSecret, IReadOnlyList<string> Kinds, DateTimeOffset CreatedAt)
{
    public bool Wants(string kind) => Kinds.Count == 0 || Kinds.Contains(kind);
}

internal sealed record StoredEmail(
    bool Enabled,
    string Host,
    int Port,
    string Security,
    string? User,
    string? SealedPassword,
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Kinds)
{
    public bool Wants(string kind) => Enabled && (Kinds.Count == 0 || Kinds.Contains(kind));
}
