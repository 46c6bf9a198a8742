#!/usr/bin/env python3
"""Writes the malformed-response corpus for `faultd.py raw=FILE` (FAULTS.md NET-11).

    python3 make_corpus.py           # (re)write the NN-*.bin files next to this script
    python3 make_corpus.py --check   # exit 1 if any committed file differs

The .bin files are committed; this script is the source of truth for their
exact bytes (several cases cannot survive being typed into an editor).
"""

import pathlib
import sys

OK_TAIL = b"Content-Length: 2\r\n\r\nok"

CORPUS = {
    "01-no-status-line": b"just a body, no status line\n",
    "02-non-numeric-status": b"HTTP/1.1 abc\r\n\r\n",
    "03-lf-only-line-endings": b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
    "04-conflicting-content-length":
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
    "05-negative-content-length": b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok",
    "06-overflowing-content-length":
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nok",
    "07-invalid-chunk-size":
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    # One header line of exactly 1 MiB, CRLF included.
    "08-1mib-header-line": b"HTTP/1.1 200 OK\r\nX-Big: "
        + b"a" * (1024 * 1024 - len(b"X-Big: \r\n")) + b"\r\n" + OK_TAIL,
    "09-nul-in-header-value": b"HTTP/1.1 200 OK\r\nX-Nul: a\x00b\r\n" + OK_TAIL,
    "10-http09-style-body": b"<html>hello</html>",
    "11-ssh-banner": b"SSH-2.0-OpenSSH_9.2\r\n",
    "12-two-digit-status": b"HTTP/1.1 20 OK\r\n" + OK_TAIL,
    "13-header-without-colon": b"HTTP/1.1 200 OK\r\nX-No-Colon-Here\r\n" + OK_TAIL,
    "14-unsupported-version-http2": b"HTTP/2.0 200 OK\r\n" + OK_TAIL,
    "15-empty-response": b"",
}


def main(argv):
    here = pathlib.Path(__file__).resolve().parent
    check = "--check" in argv
    bad = 0
    for name, data in CORPUS.items():
        path = here / f"{name}.bin"
        if check:
            if not path.exists() or path.read_bytes() != data:
                print(f"differs: {path.name}", file=sys.stderr)
                bad += 1
        else:
            path.write_bytes(data)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
