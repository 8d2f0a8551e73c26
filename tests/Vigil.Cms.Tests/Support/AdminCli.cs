using System.Diagnostics;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Support;

/// <summary>The <c>vigil</c> admin client as a real process, with a session file of its own (deleted on dispose).</summary>
/// <param name="launcher">What to run it through (<c>ip netns exec NS</c>, to reach a CMS inside a network namespace); nothing by default.</param>
public sealed class AdminCli(params string[] launcher) : IDisposable
{
    private readonly string _session = Path.Combine(Path.GetTempPath(), $"vigil-cli-session-{Guid.NewGuid():N}.json");

    public Task<CliRun> RunAsync(params string[] arguments) => RunCoreAsync(input: string.Empty, arguments);

    /// <summary>Runs it with <paramref name="input"/> on its standard input (passwords read with --password-stdin).</summary>
    public Task<CliRun> RunWithInputAsync(string input, params string[] arguments) => RunCoreAsync(input, arguments);

    public void Dispose() => File.Delete(_session);

    private async Task<CliRun> RunCoreAsync(string input, string[] arguments)
    {
        var start = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var part in launcher.Skip(1).Concat(launcher.Length > 0 ? ["dotnet"] : []))
        {
            start.ArgumentList.Add(part);
        }

        start.ArgumentList.Add(VigilProcess.EntryAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["VIGIL_CLI_SESSION"] = _session;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return new CliRun(string.Join(' ', arguments), process.ExitCode, await output, await error);
    }
}

public sealed record CliRun(string Command, int ExitCode, string Output, string Error)
{
    public string ShouldSucceed(string? why = null)
    {
        ExitCode.ShouldBe(0, $"vigil {Command}{(why is null ? string.Empty : $" ({why})")}\n{Output}\n{Error}");
        return Output;
    }

    public string ShouldFail(int exitCode)
    {
        ExitCode.ShouldBe(exitCode, $"vigil {Command}\n{Output}\n{Error}");
        return Error;
    }
}
