namespace Vigil.Hosting.Updates;

/// <summary>
/// The stable rule codes of a refused update package, in problem responses (<c>rule</c>) and the CLI's output.
/// Scripts and the CMS match on these, never on the words.
/// </summary>
public static class UpdateRules
{
    public const string Malformed = "update.malformed";
    public const string TooLarge = "update.too-large";
    public const string NotSigned = "update.unsigned";
    public const string UnknownKey = "update.unknown-key";
    public const string BadSignature = "update.bad-signature";
    public const string WrongProduct = "update.wrong-product";
    public const string NotNewer = "update.not-newer";
    public const string TooOld = "update.too-old";
    public const string UnsafePath = "update.unsafe-path";
    public const string FileAltered = "update.file-altered";
    public const string FileMissing = "update.file-missing";
    public const string FileExtra = "update.file-extra";
    public const string NoKeys = "update.no-keys";
    public const string NotUpdatable = "update.not-updatable";
    public const string Busy = "update.busy";
    public const string InstallFailed = "update.install-failed";
}
