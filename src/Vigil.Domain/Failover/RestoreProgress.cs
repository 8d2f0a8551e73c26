namespace Vigil.Domain.Failover;

/// <summary>How far the copy of failover footage to the recording server has come.</summary>
public sealed record RestoreProgress(long BytesCopied, long BytesTotal, int FilesCopied, int FilesTotal)
{
    public static RestoreProgress NotStarted { get; } = new(0, 0, 0, 0);

    /// <summary>Completion from 0 to 1, by bytes (files when there are no bytes to count).</summary>
    public double Fraction => BytesTotal > 0
        ? Math.Clamp((double)BytesCopied / BytesTotal, 0, 1)
        : FilesTotal > 0 ? Math.Clamp((double)FilesCopied / FilesTotal, 0, 1) : 0;

    public bool IsConsistent =>
        BytesCopied >= 0 && FilesCopied >= 0 && BytesCopied <= BytesTotal && FilesCopied <= FilesTotal;
}
