using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Vigil.Hosting;

/// <summary>
/// How a Vigil server writes its log to standard output (and so to the journal under systemd): one line of text per
/// entry, or one JSON object per entry for a log shipper. Either way with the entry's scopes, so every line of the
/// failover engine names the server, the failover episode and its epoch.
/// </summary>
public static class LogFormat
{
    public const string OptionName = "--log-format";
    public const string Text = "text";
    public const string Json = "json";

    public static IReadOnlyList<string> All { get; } = [Text, Json];

    public static void Configure(ILoggingBuilder logging, string format)
    {
        ArgumentNullException.ThrowIfNull(logging);
        if (format == Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
            // Under systemd the host picks its journal formatter; JSON asked for is JSON there too.
            logging.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Json);
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
            });
        }
    }
}
