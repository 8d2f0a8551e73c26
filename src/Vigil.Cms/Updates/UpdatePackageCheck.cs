using Microsoft.AspNetCore.Http;
using Vigil.Hosting.Updates;

namespace Vigil.Cms.Updates;

/// <summary>Verifies a whole package file as the agent will (signature by a trusted key, every file's size and SHA-256) before the CMS keeps or offers it.</summary>
internal static class UpdatePackageCheck
{
    public static async Task<(string Version, string OldestFrom)> VerifyAsync(string file, TrustedUpdateKeys keys, CancellationToken cancellationToken)
    {
        var trusted = UpdateKeys.ParseHeader(string.Join(',', keys.SubjectPublicKeyInfos));
        try
        {
            var manifest = await UpdatePackageReader.ReadAsync(file, trusted, runningVersion: null, destination: null, cancellationToken).ConfigureAwait(false);
            return (manifest.Version, manifest.OldestFrom);
        }
        catch (UpdatePackageException e)
        {
            throw new RefusedException(e.Rule, $"The update package is refused: {e.Message}", StatusCodes.Status422UnprocessableEntity);
        }
        finally
        {
            foreach (var key in trusted)
            {
                key.Dispose();
            }
        }
    }
}
