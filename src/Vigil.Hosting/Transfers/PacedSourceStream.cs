namespace Vigil.Hosting.Transfers;

/// <summary>
/// The source of one file's copy as its reader drains it: the standby's download as the recording server's pull reads it,
/// or as the CMS's relay sends it on. Each read is paced by a restore bandwidth (the pull's share, or the site's at the
/// CMS) and, when bytes arrive, gives the transfer's <see cref="StallWatch"/> more time and tells <paramref name="moved"/>
/// how many.
/// </summary>
public sealed class PacedSourceStream(Stream inner, RestoreBandwidth bandwidth, StallWatch watch, Func<int, Task> moved) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer[..bandwidth.ChunkFor(buffer.Length)], cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            watch.Progressed();
            await moved(read).ConfigureAwait(false);
            await bandwidth.TakeAsync(read, cancellationToken).ConfigureAwait(false);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Only read asynchronously: a blocking read would hold a thread for as long as the pacing waits.</summary>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
