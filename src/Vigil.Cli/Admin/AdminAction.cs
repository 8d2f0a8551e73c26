using System.CommandLine;

namespace Vigil.Cli.Admin;

/// <summary>Runs an admin command: refusals go to standard error with their rule, and the exit code is not zero.</summary>
internal static class AdminAction
{
    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON (the API's own shape) instead of a table" };

    public static void Set(Command command, Func<ParseResult, CmsClient, Task> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction(async (result, _) =>
        {
            try
            {
                using var client = CmsClient.FromSession();
                await action(result, client).ConfigureAwait(false);
                return 0;
            }
            catch (CliFailure e)
            {
                return Fail(e);
            }
        });
    }

    public static int Fail(CliFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Console.Error.WriteLine(failure.Rule is null ? $"error: {failure.Message}" : $"error: {failure.Message} [{failure.Rule}]");
        return failure.ExitCode;
    }

    /// <summary>A secret from an option, or typed at the terminal without echo.</summary>
    public static string Secret(string? given, string prompt)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }

        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? throw new CliFailure($"{prompt}: nothing on standard input.");
        }

        Console.Error.Write($"{prompt}: ");
        var typed = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && typed.Length > 0)
            {
                typed.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return typed.ToString();
    }
}
