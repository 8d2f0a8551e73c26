# What the real RTSP camera of the tests and ./bench needs (tests/Vigil.Testing/Rtsp/rtsp-camera.py): GStreamer's
# RTSP server driven from Debian's Python, with x264 (ugly), x265 and AAC (bad), RTP and G.711 (good), the test
# sources (base) and the on-picture clock (x). Sourced by ./test and ./bench, which install what is missing.
rtsp_camera_packages=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
                      gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-x)

# Whether every GStreamer element the camera uses is there.
rtsp_camera_ready() {
  /usr/bin/python3 - >/dev/null 2>&1 <<'PY'
import sys, gi
gi.require_version("Gst", "1.0"); gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gst, GstRtspServer
Gst.init(None)
sys.exit(0 if all(Gst.ElementFactory.find(e) for e in
    ["videotestsrc", "audiotestsrc", "timeoverlay", "x264enc", "x265enc", "voaacenc", "mulawenc", "rtph264pay", "rtph265pay", "rtpmp4gpay", "rtppcmupay"]) else 1)
PY
}
