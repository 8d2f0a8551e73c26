namespace Vigil.Cms.Alerts;

/// <summary>The words of the delivery log.</summary>
internal static class AlertChannels
{
    public const string Webhook = "webhook";
    public const string Email = "email";

    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
