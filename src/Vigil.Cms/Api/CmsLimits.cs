namespace Vigil.Cms.Api;

internal static class CmsLimits
{
    /// <summary>The largest request body the API reads: a batch of a full group fits many times over.</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;
}
