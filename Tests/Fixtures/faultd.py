#!/usr/bin/env python3
"""faultd: loopback-only HTTP fault-injection server used by rampart's tests.

    python3 faultd.py MODE [--port 0] [--host 127.0.0.1] [--max-seconds 600]

The first stdout line is exactly "PORT <n>", printed (and flushed) once the
listener accepts connections. Runs until SIGTERM/SIGINT (exit 0, silent) or
--max-seconds. Python 3.11 stdlib only. See FAULTS.md "Harness", NET-01..13.

Modes: ok, slow=S, hang, rst_after_headers, fin_after=N, ka_idle=MS,
close_each, status_mix, redirect_loop, redirect_chain=K, raw=FILE,
read_headers_then_close, chunked, tls_selfsigned, excess, excess_after=MS,
excess_on_next.

The excess modes answer 200 "ok\n" followed by 6 bytes beyond its
Content-Length ("excess"): in the same write (excess), MS milliseconds later
(excess_after), or only once the connection's next request has arrived, just
before its answer (excess_on_next; a connection's first answer is clean).

Every mode answers the control paths before applying its fault:
  GET  /__count -> {"requests": N, "by_status": {...}, "connections": C,
                    "by_method": {"GET": n, "POST": n, ...}}
  POST /__reset -> zeroes all counters (and the status_mix cycle).
Control requests are not counted, and neither is a connection whose first
request is a control request.
"""

import argparse
import fcntl
import ipaddress
import json
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import TCPServer, ThreadingMixIn
from urllib.parse import urlsplit

# Mode name -> type of its "=ARG" (None: the mode takes no argument).
MODES = {
    "ok": None, "slow": float, "hang": None, "rst_after_headers": None,
    "fin_after": int, "ka_idle": int, "close_each": None, "status_mix": None,
    "redirect_loop": None, "redirect_chain": int, "raw": str,
    "read_headers_then_close": None, "chunked": None, "tls_selfsigned": None,
    "excess": None, "excess_after": int, "excess_on_next": None,
}
STATUS_CYCLE = (200, 404, 500, 503)
OK_BODY = b"ok\n"
EXCESS = b"excess"


class Stats:
    """Ground-truth counters; one lock because handlers run on many threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.requests = 0
            self.connections = 0
            self.cycle = 0
            self.by_status = {}
            # GET/POST are always present so tests can index them directly.
            self.by_method = {"GET": 0, "POST": 0}

    def request(self, method):
        with self.lock:
            self.requests += 1
            self.by_method[method] = self.by_method.get(method, 0) + 1

    def status(self, status):
        with self.lock:
            key = str(status)
            self.by_status[key] = self.by_status.get(key, 0) + 1

    def connection(self, delta):
        with self.lock:
            self.connections += delta

    def next_cycle(self):
        with self.lock:
            n = self.cycle
            self.cycle += 1
            return n

    def snapshot(self):
        with self.lock:
            return {"requests": self.requests, "by_status": dict(self.by_status),
                    "connections": self.connections, "by_method": dict(self.by_method)}


STATS = Stats()


class FaultServer(ThreadingMixIn, HTTPServer):
    daemon_threads = True          # a hung handler must never block exit
    allow_reuse_address = True     # restart on the same port (NET-02)
    request_queue_size = 1024      # bursts of connects must not be refused

    mode = "ok"
    arg = None
    raw_bytes = b""
    tls = None                     # ssl.SSLContext in tls_selfsigned mode

    def server_bind(self):
        # Skip HTTPServer.server_bind: its getfqdn() may do a reverse DNS lookup.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        # Peers resetting, timing out or failing TLS is the point of this
        # fixture; only report what looks like a bug in faultd itself.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (OSError, ValueError, ssl.SSLError)):
            print(f"faultd: handler error: {exc!r}", file=sys.stderr, flush=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive by default
    disable_nagle_algorithm = True  # else Nagle + delayed ACK add ~40 ms/response

    # --- connection and request plumbing ---------------------------------

    def setup(self):
        STATS.connection(+1)
        self._conn_counted = True
        self._counted = False
        self._answered = 0  # requests answered on this connection (excess_on_next)
        if self.server.tls is not None:
            # Handshake here, on the handler thread, so a stuck or failing
            # handshake never blocks the accept loop.
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, format, *args):
        pass  # thousands of requests per test: no per-request stderr noise

    def handle_one_request(self):
        # Same shape as the stdlib version, but one dispatch for every method,
        # and in ka_idle mode an idle timeout only while waiting for a request.
        self._counted = False
        self.close_connection = True
        idle = self.server.arg / 1000.0 if self.server.mode == "ka_idle" else None
        try:
            if idle is not None:
                self.connection.settimeout(idle)
            self.raw_requestline = self.rfile.readline(65537)
            if idle is not None:
                self.connection.settimeout(None)
        except TimeoutError:
            return  # idle too long: close (FIN) like a real server would
        if not self.raw_requestline or len(self.raw_requestline) > 65536:
            return
        if not self.parse_request():  # it already sent a 400 where it could
            return
        self.dispatch()

    def dispatch(self):
        path = urlsplit(self.path).path
        if path in ("/__count", "/__reset"):
            # Control traffic must not disturb the ground truth it reports.
            if self._conn_counted:
                STATS.connection(-1)
                self._conn_counted = False
            self.drain_body()
            if path == "/__reset" and self.command == "POST":
                STATS.reset()
            self.reply(200, json.dumps(STATS.snapshot()).encode() + b"\n",
                       [("Content-Type", "application/json")])
            return
        if not self._conn_counted:
            STATS.connection(+1)
            self._conn_counted = True
        STATS.request(self.command)
        self._counted = True
        if self.server.mode != "read_headers_then_close":
            self.drain_body()
        getattr(self, "mode_" + self.server.mode)(self.server.arg)

    def drain_body(self):
        # An unread request body left in the kernel buffer turns our close
        # into an RST, which would change the fault a mode is meant to show.
        length = self.headers.get("Content-Length")
        if length is not None:
            self.discard(int(length))
        elif "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while (size := int(self.rfile.readline(1024).split(b";")[0], 16)) > 0:
                self.discard(size + 2)  # chunk data + CRLF
            while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                pass  # trailers

    def discard(self, n):
        while n > 0:
            chunk = self.rfile.read(min(n, 1 << 16))
            if not chunk:
                raise ConnectionError("client closed mid-body")
            n -= len(chunk)

    def send_response(self, code, message=None):
        self.record(code)
        super().send_response(code, message)

    def record(self, status):
        if self._counted:
            STATS.status(status)

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)  # "Connection: close" also ends keep-alive
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def send_head(self, code, headers):
        """Status line and headers only; the mode writes (part of) a body."""
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()

    def close_now(self, how):
        """End the connection: "fin" (shutdown write, then close), "rst"
        (SO_LINGER {1,0}) or "abrupt" (plain close, RST if input is unread)."""
        self.close_connection = True
        sock = self.connection
        if how == "rst":
            self.wait_sent(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif how == "fin":
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        # rfile holds a reference on the socket: close it first, or
        # sock.close() would not really close and socketserver's own
        # shutdown_request() would send a FIN before our RST.
        self.wfile.close()
        self.rfile.close()
        sock.close()

    @staticmethod
    def wait_sent(sock, limit=1.0):
        # SO_LINGER 0 discards unsent data; wait until the peer has ACKed
        # what we wrote so the partial response really reaches it.
        deadline = time.monotonic() + limit
        try:
            buf = bytearray(4)
            while time.monotonic() < deadline:
                fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, buf)  # Linux SIOCOUTQ
                if struct.unpack("i", buf)[0] == 0:
                    return
                time.sleep(0.001)
        except (OSError, AttributeError):
            time.sleep(0.01)  # macOS has no SIOCOUTQ for sockets; loopback is fast

    # --- modes (one method per MODES entry; arg is the parsed "=ARG") ------

    def mode_ok(self, _):
        self.reply(200, OK_BODY)

    mode_tls_selfsigned = mode_ok
    mode_ka_idle = mode_ok  # the idle timeout lives in handle_one_request

    def mode_slow(self, seconds):
        time.sleep(seconds)
        self.reply(200, OK_BODY)

    def mode_hang(self, _):
        self.record("none")
        # Never answer; hold the socket until the client gives up.
        while self.connection.recv(1 << 16):
            pass
        self.close_connection = True

    def mode_rst_after_headers(self, _):
        self.send_head(200, [("Content-Length", "100000")])
        self.wfile.write(b"x" * 1024)
        self.close_now("rst")

    def mode_fin_after(self, n):
        self.send_head(200, [("Content-Length", "1000")])
        self.wfile.write(b"x" * n)
        self.close_now("fin")

    def mode_close_each(self, _):
        self.reply(200, OK_BODY, [("Connection", "close")])

    def mode_status_mix(self, _):
        code = STATUS_CYCLE[STATS.next_cycle() % len(STATUS_CYCLE)]
        headers = [("Retry-After", "1")] if code == 503 else []
        self.reply(code, b"status %d\n" % code, headers)

    def mode_redirect_loop(self, _):
        k = self.path_index("/loop/")
        self.reply(302, b"", [("Location", f"/loop/{k + 1}")])

    def mode_redirect_chain(self, total):
        k = self.path_index("/r/")
        if k >= total:
            self.reply(200, OK_BODY)
        else:
            self.reply(302, b"", [("Location", f"/r/{k + 1}")])

    def path_index(self, prefix):
        """k from "<prefix><k>", 0 for any other path (the start of a chain)."""
        path = urlsplit(self.path).path
        tail = path[len(prefix):] if path.startswith(prefix) else ""
        return int(tail) if tail.isdigit() else 0

    def mode_raw(self, _):
        self.record("raw")
        self.wfile.write(self.server.raw_bytes)
        self.close_now("fin")

    def mode_read_headers_then_close(self, _):
        self.record("none")
        self.close_now("abrupt")  # unread body -> RST -> EPIPE/ECONNRESET on the client

    def ok_with_excess(self):
        """A 200 "ok\n" and the excess beyond its Content-Length, as one write."""
        self.record(200)
        head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(OK_BODY)
        return head + OK_BODY + EXCESS

    def mode_excess(self, _):
        self.wfile.write(self.ok_with_excess())

    def mode_excess_after(self, ms):
        self.reply(200, OK_BODY)
        time.sleep(ms / 1000.0)
        self.wfile.write(EXCESS)

    def mode_excess_on_next(self, _):
        # The previous answer's excess, so late that it crosses this request on the wire.
        if self._answered:
            self.wfile.write(EXCESS)
        self._answered += 1
        self.reply(200, OK_BODY)

    def mode_chunked(self, _):
        self.send_head(200, [("Transfer-Encoding", "chunked")])
        if self.command != "HEAD":
            self.wfile.write(b"4\r\nhell\r\n4\r\no wo\r\n3\r\nrld\r\n0\r\n\r\n")


def parse_mode(spec):
    name, has_arg, raw_arg = spec.partition("=")
    if name not in MODES:
        raise ValueError(f"unknown mode {name!r}; one of: {', '.join(MODES)}")
    kind = MODES[name]
    if (kind is None) == bool(has_arg):
        raise ValueError(f"mode {name!r} " + ("takes no argument" if kind is None
                                              else "needs =ARG"))
    arg = kind(raw_arg) if kind else None
    low = 1 if name == "ka_idle" else 0  # a 0 s socket timeout means non-blocking
    high = 1000 if name == "fin_after" else float("inf")  # below its Content-Length
    if kind in (int, float) and not low <= arg < high:
        raise ValueError(f"bad argument for {name}: {raw_arg}")
    return name, arg


def loopback_family(host):
    """Address family for host; refuses anything that is not loopback."""
    try:
        ip = ipaddress.ip_address("127.0.0.1" if host == "localhost" else host)
    except ValueError:
        ip = None
    if ip is None or not ip.is_loopback:
        raise ValueError(f"refusing non-loopback host {host!r}")
    return socket.AF_INET6 if ip.version == 6 else socket.AF_INET


def make_tls_context(tmpdir):
    cert, key = f"{tmpdir}/cert.pem", f"{tmpdir}/key.pem"
    base = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-days", "1", "-keyout", key, "-out", cert]
    # The SAN makes the cert correct in every way except trust, so clients fail
    # with "unknown authority", not a hostname mismatch. Old openssl/LibreSSL
    # builds lack -addext: fall back to the plain command.
    san = ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if subprocess.run(base + san, **quiet).returncode != 0:
        subprocess.run(base, check=True, **quiet)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    print(f"faultd: self-signed cert {cert}", file=sys.stderr, flush=True)
    return ctx


def stop(signum, _frame):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
        signal.signal(sig, signal.SIG_IGN)  # one clean unwind, even if signalled twice
    if signum == signal.SIGALRM:
        print("faultd: --max-seconds reached, exiting", file=sys.stderr, flush=True)
    raise SystemExit(0)


def main(argv=None):
    ap = argparse.ArgumentParser(description="rampart test fault server (loopback only)")
    ap.add_argument("mode", metavar="MODE", help="one of: " + ", ".join(MODES))
    ap.add_argument("--port", type=int, default=0, help="0 = OS-chosen (default)")
    ap.add_argument("--host", default="127.0.0.1", help="loopback address only")
    ap.add_argument("--max-seconds", type=float, default=600.0,
                    help="exit by itself after this long (default 600)")
    args = ap.parse_args(argv)
    try:
        mode, arg = parse_mode(args.mode)
        FaultServer.address_family = loopback_family(args.host)
        raw_bytes = open(arg, "rb").read() if mode == "raw" else b""
    except (ValueError, OSError) as exc:
        ap.error(str(exc))
    if mode == "tls_selfsigned" and shutil.which("openssl") is None:
        print("faultd: SKIP tls_selfsigned: the openssl CLI is not installed",
              file=sys.stderr, flush=True)
        return 3

    # A parent that spawned us from a thread with signals blocked (Foundation's Process does)
    # passes that mask on: unblock, or SIGTERM would wait forever.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGTERM, signal.SIGINT, signal.SIGALRM))
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
        signal.signal(sig, stop)
    signal.setitimer(signal.ITIMER_REAL, args.max_seconds)
    server = None
    try:
        with tempfile.TemporaryDirectory(prefix="faultd-") as tmpdir:
            server = FaultServer((args.host, args.port), Handler)
            server.mode, server.arg, server.raw_bytes = mode, arg, raw_bytes
            if mode == "tls_selfsigned":
                try:
                    server.tls = make_tls_context(tmpdir)
                except (subprocess.CalledProcessError, ssl.SSLError) as exc:
                    print(f"faultd: cannot make a TLS cert: {exc}", file=sys.stderr)
                    return 1
            print(f"PORT {server.server_address[1]}", flush=True)
            server.serve_forever(poll_interval=0.2)
    except SystemExit:
        pass
    finally:
        if server is not None:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
