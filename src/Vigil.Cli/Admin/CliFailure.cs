namespace Vigil.Cli.Admin;

/// <summary>Why an admin command did not do what was asked: a refusal by the CMS (with its rule) or a local problem.</summary>
internal sealed class CliFailure : Exception
{
    public CliFailure(string message, string? rule = null, int exitCode = 1)
        : base(message)
    {
        Rule = rule;
        ExitCode = exitCode;
    }

    public CliFailure()
        : this("The command failed.")
    {
    }

    public CliFailure(string message)
        : this(message, rule: null)
    {
    }

    public CliFailure(string message, Exception innerException)
        : base(message, innerException) => ExitCode = 2;

    public string? Rule { get; }

    public int ExitCode { get; }
}
