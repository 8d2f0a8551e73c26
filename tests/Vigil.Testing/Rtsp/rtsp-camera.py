#!/usr/bin/python3
"""A real RTSP camera for Vigil's tests: GStreamer's own RTSP server (gst-rtsp-server from Debian) serving a
live test pattern. Prints "ready rtsp://127.0.0.1:PORT/stream" once it listens, then serves until killed.

  --codec h264|h265     video codec (x264 / x265), 10 fps, a keyframe every second
  --audio none|aac|pcmu audio beside the video (AAC, or G.711 mu-law as many cameras send)
  --user U --password P the camera asks for these (Digest)
  --max-sessions N      refuse a SETUP with 453 Not Enough Bandwidth while N sessions play
  --switch-after S      after S seconds the picture changes from 320x240 to 640x480 in the same session
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

VIDEO = {
    "h264": "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1",
    "h265": "x265enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! rtph265pay name=pay0 pt=96 config-interval=1",
}
AUDIO = {
    "none": "",
    "aac": " audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! audio/x-raw,rate=16000,channels=1 ! voaacenc bitrate=32000 ! rtpmp4gpay name=pay1 pt=97",
    "pcmu": " audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay name=pay1 pt=0",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--codec", choices=VIDEO, default="h264")
    parser.add_argument("--audio", choices=AUDIO, default="none")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--max-sessions", type=int, default=0)
    parser.add_argument("--switch-after", type=float, default=0)
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    launch = (
        "( videotestsrc is-live=true pattern=ball ! capsfilter name=size caps=video/x-raw,width=320,height=240,framerate=10/1 "
        "! timeoverlay ! videoconvert ! " + VIDEO[args.codec] + AUDIO[args.audio] + " )"
    )
    factory.set_launch(launch)
    # One pipeline for every viewer, as a camera has one sensor: a second session sees the same frames.
    factory.set_shared(True)
    factory.connect("media-configure", ignore_seeks)
    if args.switch_after > 0:
        factory.connect("media-configure", lambda _f, media: schedule_switch(media, args.switch_after))

    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
        # Digest, as most cameras ask: the password never crosses the wire.
        auth.add_digest(args.user, args.password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role("viewer", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        permissions.add_permission_for_role("viewer", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        factory.set_permissions(permissions)

    server.get_mount_points().add_factory("/stream", factory)

    playing = set()

    def client_connected(_server, client):
        def pre_setup(c, _context):
            if args.max_sessions and c not in playing and len(playing) >= args.max_sessions:
                return GstRtsp.RTSPStatusCode.NOT_ENOUGH_BANDWIDTH
            playing.add(c)
            return GstRtsp.RTSPStatusCode.OK

        client.connect("pre-setup-request", pre_setup)
        client.connect("closed", lambda c: playing.discard(c))

    server.connect("client-connected", client_connected)

    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
        sys.exit(1)
    print(f"ready rtsp://127.0.0.1:{args.port}/stream", flush=True)
    GLib.MainLoop().run()


def ignore_seeks(_factory, media):
    """A camera's live picture has no start to go back to. ffmpeg's PLAY asks for npt=0-, and GStreamer seeks a seekable
    shared pipeline back to its start for every new viewer: the picture and its clock restarted under the sessions already
    playing, whose timestamps then stood still for as long as they had run. Said not seekable, as a camera is, the PLAY's
    range is ignored."""
    def not_seekable(_pad, info):
        query = info.get_query()
        if query is None or query.type != Gst.QueryType.SEEKING:
            return Gst.PadProbeReturn.OK
        query.set_seeking(Gst.Format.TIME, False, 0, -1)
        return Gst.PadProbeReturn.HANDLED

    media.get_element().get_by_name("size").get_static_pad("src").add_probe(Gst.PadProbeType.QUERY_UPSTREAM, not_seekable)


def schedule_switch(media, seconds):
    def switch():
        size = media.get_element().get_by_name("size")
        size.set_property("caps", Gst.Caps.from_string("video/x-raw,width=640,height=480,framerate=10/1"))
        return False

    GLib.timeout_add(int(seconds * 1000), switch)


if __name__ == "__main__":
    main()
