# The monitoring and alerting peers of the operations tests, sourced by ./test:
# - promtool, Prometheus' own checker of the /metrics format. Debian ships it inside the `prometheus` package, whose
#   installation would also start a Prometheus server scraping this machine; only the promtool program is taken out
#   of the package (apt-get download, dpkg-deb -x) and put in /usr/local/bin, so no daemon runs.
# - aiosmtpd, a real SMTP server from Debian's Python, which receives the alert e-mails on loopback.
operations_packages=(python3-aiosmtpd)

operations_tools_ready() {
  command -v promtool >/dev/null 2>&1 && /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1
}

install_promtool() {
  command -v promtool >/dev/null 2>&1 && return 0
  local work
  work=$(mktemp -d)
  (cd "$work" && apt-get -o DPkg::Lock::Timeout=300 download -qq prometheus 2>/dev/null && dpkg-deb -x prometheus_*.deb root)
  install -m 0755 "$work/root/usr/bin/promtool" /usr/local/bin/promtool
  rm -rf "$work"
}
