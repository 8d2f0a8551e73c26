using System.Globalization;

namespace Vigil.Media;

/// <summary>The ffmpeg command lines Vigil runs, built in one place so they can be read and tested.</summary>
public static class FfmpegArguments
{
    /// <summary>ffmpeg's own limit on one silent socket read; the recorder's silence watch stops a silent camera's ffmpeg sooner.</summary>
    public static TimeSpan ReadTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How much of an http(s) camera's MPEG-TS ffmpeg reads before it starts writing: 8 KiB, which holds the parameter
    /// sets and the start of a keyframe. With 32 KiB a low-rate stream (320×240 at 10 fps) made a takeover wait up to
    /// half a second more for its first segment, reading frames it did not need.
    /// </summary>
    private const string HttpProbeBytes = "8192";

    /// <summary>
    /// An rtsp camera keeps the 32-KiB probe it always had: its takeover waits for the camera's next keyframe whatever
    /// the limit, and an 8-KiB probe gained about a tenth of a second there in one benchmark run, within that wait's spread.
    /// </summary>
    private const string RtspProbeBytes = "32768";

    private static readonly string[] Quiet = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"];

    /// <summary>
    /// The only protocols ffmpeg may open while reading a camera: what rtsp:// (control over TCP or TLS, media
    /// over RTP on UDP or interleaved, or tunnelled in HTTP) and http(s):// streams use. Whatever a camera URL
    /// or the stream it serves names (a playlist, a concat list), ffmpeg then cannot read a local file
    /// (<c>file</c>, <c>pipe</c>, <c>fd</c>) or splice one in (<c>concat</c>, <c>subfile</c>, <c>data</c>, <c>crypto</c>).
    /// </summary>
    public const string CameraProtocols = "rtsp,rtp,srtp,udp,tcp,tls,http,https,httpproxy";

    /// <summary>
    /// Records the camera at <paramref name="url"/> into MPEG-TS segments cut at the first keyframe after each
    /// multiple of <paramref name="segmentSeconds"/> of the clock, named <c>{prefix}-000000.ts</c>, … in
    /// <paramref name="directory"/>, listing each finished segment in the CSV <paramref name="segmentList"/> as it
    /// closes. Video is copied as the camera sent it (H.264 or H.265), never re-encoded. Audio, with
    /// <paramref name="audio"/>, is stored as AAC: MPEG-TS cannot carry the G.711 most cameras send (ffmpeg would
    /// write it as opaque data no player plays), and one rule for every camera needs no probe of the stream
    /// before recording starts. The camera's own timestamps are kept (<c>-copyts</c>), so recordings of one
    /// camera by two servers share one timeline. Every packet is flushed to disk as it arrives: MPEG-TS needs no
    /// trailer, so a segment cut by SIGKILL stays playable up to its last packet.
    /// </summary>
    /// <param name="rtspTransport">"tcp" or "udp" for an rtsp:// camera; ignored for http(s).</param>
    public static IReadOnlyList<string> Record(
        string url, int segmentSeconds, string directory, string prefix, string segmentList, string rtspTransport = "tcp", bool audio = true) =>
    [
        .. Quiet, .. Input(url, rtspTransport),
        "-map", "0:v", .. (audio ? AacAudio : []), "-c:v", "copy", "-copyts", "-muxdelay", "0", "-muxpreload", "0",
        "-f", "segment",
        "-segment_time", segmentSeconds.ToString(CultureInfo.InvariantCulture),
        "-segment_atclocktime", "1",
        "-segment_format", "mpegts",
        "-segment_format_options", "flush_packets=1",
        "-segment_list", segmentList,
        "-segment_list_type", "csv",
        "-segment_list_flags", "+live",
        Path.Combine(directory, $"{prefix}-%06d.ts"),
    ];

    /// <summary>The camera's audio streams, if it sends any, as AAC at up to 64 kb/s (ffmpeg's own encoder).</summary>
    private static readonly string[] AacAudio = ["-map", "0:a?", "-c:a", "aac", "-b:a", "64k"];

    /// <summary>Grabs one frame of <paramref name="url"/> as a JPEG.</summary>
    public static IReadOnlyList<string> Snapshot(string url, string output, string rtspTransport = "tcp") =>
        [.. Quiet, .. Input(url, rtspTransport), "-frames:v", "1", "-q:v", "3", "-f", "image2", "-update", "1", "-y", output];

    /// <summary>
    /// Reading a camera: only over <see cref="CameraProtocols"/>; give up after <see cref="ReadTimeout"/> of
    /// silence (the recorder restarts ffmpeg itself; ffmpeg's own reconnect options wait far longer on a dark
    /// camera), and probe only a little of the stream so recording starts within a fraction of a second.
    /// ffmpeg writes nothing before its probe ends, and the probe of an H.264 stream ends only at the byte limit
    /// (<see cref="HttpProbeBytes"/>, <see cref="RtspProbeBytes"/>) or the time limit: what comes first sets how long
    /// a takeover waits for its first segment. A stream whose audio parameters come after the probe is still recorded
    /// with its audio, as ffmpeg sets up the audio encoder from its first decoded frame.
    /// </summary>
    private static string[] Input(string url, string rtspTransport)
    {
        ArgumentNullException.ThrowIfNull(url);
        var timeout = ((long)ReadTimeout.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
        var rtsp = url.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase);
        string[] transport = rtsp
            ? ["-rtsp_transport", rtspTransport is "udp" ? "udp" : "tcp", "-timeout", timeout]
            : ["-rw_timeout", timeout];
        return ["-protocol_whitelist", CameraProtocols, .. transport, "-analyzeduration", "500000", "-probesize", rtsp ? RtspProbeBytes : HttpProbeBytes, "-i", url];
    }

    /// <summary>
    /// A live synthetic camera: 320×240 at 10 fps, H.264 with a keyframe every second, MPEG-TS on standard
    /// output, each frame showing the camera number and the UTC time of day. A frame's timestamp is the
    /// wall-clock time it was made, in seconds since <paramref name="epoch"/> (the simulator's start day, so
    /// timestamps stay far from MPEG-TS's 26.5-hour wrap): the camera time of every recorded frame can be
    /// read back from the segment files.
    /// </summary>
    public static IReadOnlyList<string> SimulatedCamera(int number, DateTimeOffset epoch)
    {
        var label = $"CAM {number.ToString(CultureInfo.InvariantCulture)}";
        var epochSeconds = epoch.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return
        [
            .. Quiet,
            "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10",
            "-vf", $"settb=AVTB,setpts='(RTCTIME/1000000-{epochSeconds})/TB',drawtext=text='{label} %{{pts\\:hms}}':fontsize=18:fontcolor=white:box=1:boxcolor=black@0.6:x=6:y=6",
            "-fps_mode", "passthrough", "-enc_time_base", "1/1000",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
            "-g", "10", "-keyint_min", "10", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-threads", "1",
            "-muxdelay", "0", "-muxpreload", "0",
            "-f", "mpegts", "pipe:1",
        ];
    }

    /// <summary>ffprobe: the first timestamp and the duration, in seconds, of a media file ("start,duration").</summary>
    public static IReadOnlyList<string> ProbeTiming(string file) =>
        ["-v", "error", "-show_entries", "format=start_time,duration", "-of", "csv=p=0", file];
}
