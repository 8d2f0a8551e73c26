using System.Net.Sockets;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Recording;

/// <summary>
/// Whether a camera's stream port accepts a connection: the cheap question a recorder asks over and over while
/// a camera is gone, so that it starts ffmpeg again the moment the camera is back instead of at its next back-off.
/// </summary>
public static class CameraReachability
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Null when <paramref name="stream"/>'s host accepts a TCP connection on its port; otherwise why not.</summary>
    public static async Task<string?> ProblemAsync(CameraSource stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ConnectTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(stream.Host, stream.Port, deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{stream.Host}:{stream.Port} does not answer";
        }
        catch (SocketException e)
        {
            return $"{stream.Host}:{stream.Port}: {e.Message}";
        }
    }
}
