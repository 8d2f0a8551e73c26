namespace Vigil.Hosting.Updates;

/// <summary>An update package refused: <see cref="Rule"/> is one of <see cref="UpdateRules"/>, the message says why in words.</summary>
public sealed class UpdatePackageException : Exception
{
    public UpdatePackageException(string rule, string message)
        : base(message) => Rule = rule;

    public UpdatePackageException()
        : this(UpdateRules.Malformed, "The update package is malformed.")
    {
    }

    public UpdatePackageException(string message)
        : this(UpdateRules.Malformed, message)
    {
    }

    public UpdatePackageException(string message, Exception innerException)
        : base(message, innerException) => Rule = UpdateRules.Malformed;

    public string Rule { get; }
}
