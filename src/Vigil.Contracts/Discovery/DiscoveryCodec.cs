using System.Text.Json;

namespace Vigil.Contracts.Discovery;

/// <summary>
/// The datagrams of LAN discovery as JSON: a search (<c>{"protocol","kind":"search","nonce"}</c>) and its answer
/// (<c>{"protocol","kind":"answer","answer":{…}}</c>). Decoding never throws: whatever else reaches the port
/// (another protocol, a truncated or hostile datagram) is ignored.
/// </summary>
public static class DiscoveryCodec
{
    public const string SearchKind = "search";
    public const string AnswerKind = "answer";

    /// <summary>A nonce is random text of a sane size; anything else is not a search of ours.</summary>
    public const int MaxNonceLength = 64;

    public static byte[] EncodeSearch(string nonce)
    {
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        if (nonce.Length > MaxNonceLength)
        {
            throw new ArgumentException($"A nonce is at most {MaxNonceLength} characters.", nameof(nonce));
        }

        return Encode(new Datagram(DiscoveryProtocol.Name, SearchKind, nonce, null));
    }

    /// <summary>The answer as one datagram; an answer too big for one (too many addresses, say) is refused rather than cut.</summary>
    public static byte[] EncodeAnswer(SearchAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return Encode(new Datagram(DiscoveryProtocol.Name, AnswerKind, null, answer));
    }

    /// <summary>The nonce of a search, or null when the datagram is not one.</summary>
    public static string? DecodeSearch(ReadOnlySpan<byte> datagram) =>
        Decode(datagram) is { Kind: SearchKind, Nonce: { Length: > 0 and <= MaxNonceLength } nonce } ? nonce : null;

    /// <summary>The answer, or null when the datagram is not a well-formed one.</summary>
    public static SearchAnswer? DecodeAnswer(ReadOnlySpan<byte> datagram) =>
        Decode(datagram) is { Kind: AnswerKind, Answer: { } answer } && IsWellFormed(answer) ? answer : null;

    private static bool IsWellFormed(SearchAnswer a) =>
        a is { Nonce: { Length: > 0 }, Name: { Length: > 0 }, Model: not null, Serial: { Length: > 0 }, Version: not null, Addresses: not null, Scheme: "https" or "http" }
        && a.Port is > 0 and <= 65535
        && a.Addresses.All(address => System.Net.IPAddress.TryParse(address, out _));

    private static byte[] Encode(Datagram datagram)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(datagram, ContractJson.Options);
        return bytes.Length <= DiscoveryProtocol.MaxDatagramBytes
            ? bytes
            : throw new ArgumentException($"The datagram would be {bytes.Length} bytes; at most {DiscoveryProtocol.MaxDatagramBytes} fit.");
    }

    private static Datagram? Decode(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length is 0 or > DiscoveryProtocol.MaxDatagramBytes)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Datagram>(datagram, ContractJson.Options) is { Protocol: DiscoveryProtocol.Name } decoded ? decoded : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Datagram(string? Protocol, string? Kind, string? Nonce, SearchAnswer? Answer);
}
