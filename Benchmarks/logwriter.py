#!/usr/bin/env python3
"""Append a busy service's log to FILE at a steady rate, with an exact number of error lines.

    logwriter.py FILE [--rate LINES_PER_S] [--seconds S] [--errors N] [--batch-ms MS]

Writes rate x seconds lines in batches every --batch-ms (one O_APPEND write per batch, as a
buffered logger does). Every line is a uvicorn access line (`200 OK`, no error class) except
exactly N evenly spaced `ERROR` records, so a follower that counts them must find N. If the
machine cannot keep up, the writer falls behind and catches up: the line and error counts never
change, only the achieved rate, which it prints at the end (one JSON line on stdout).
"""
import argparse
import json
import os
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--rate", type=int, default=50000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--errors", type=int, default=1000)
    parser.add_argument("--batch-ms", type=float, default=10)
    args = parser.parse_args()
    total = int(args.rate * args.seconds)
    if args.errors < 0 or args.errors > total:
        parser.error("--errors must be between 0 and rate x seconds")
    # Error k is line k * every + every // 2: evenly spread, none at the very start or end.
    every = total // args.errors if args.errors else total + 1
    half = every // 2
    batch = max(1, int(args.rate * args.batch_ms / 1000))

    fd = os.open(args.file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    start = time.monotonic()
    written = errors = 0
    behind = 0.0
    while written < total:
        elapsed = time.monotonic() - start
        due = min(total, int(elapsed * args.rate) + batch)
        if due <= written:
            time.sleep(min(args.batch_ms / 1000, (written - due + batch) / args.rate))
            continue
        behind = max(behind, elapsed - written / args.rate)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S") + ",%03d" % int((time.time() % 1) * 1000)
        lines = []
        for i in range(written, due):
            if i % every == half and i // every < args.errors:
                lines.append(f"{stamp} ERROR    app.worker: job {i} failed: upstream timeout after 5000ms\n")
                errors += 1
            else:
                lines.append(
                    f'{stamp} INFO     uvicorn.access: 127.0.0.1:{40000 + i % 20000} - '
                    f'"GET /api/items/{i % 997} HTTP/1.1" 200 OK {i % 50}.{i % 10}ms\n')
        data = "".join(lines).encode()
        while data:
            n = os.write(fd, data)
            data = data[n:]
        written = due
    os.close(fd)
    seconds = time.monotonic() - start
    print(json.dumps({
        "lines": written, "errors": errors, "seconds": round(seconds, 3),
        "rate": round(written / seconds), "max_behind_s": round(behind, 3),
    }))


if __name__ == "__main__":
    main()
