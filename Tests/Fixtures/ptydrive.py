#!/usr/bin/env python3
"""Run a command on a pseudo-terminal and drive it like a person: keys, resizes, signals.

    ptydrive.py --cols 120 --rows 40 --steps STEPS.json --out SCREEN.bin [--timeout S] -- CMD...

STEPS is a JSON list of actions done in order, each after its "after" delay (seconds):
  {"after": 1.0, "keys": "q"}                   bytes written to the terminal (\\u001a = Ctrl-Z)
  {"after": 0.01, "resize": [cols, rows]}       TIOCSWINSZ on the terminal + SIGWINCH to the child
  {"after": 0.5, "signal": "TSTP"}              a signal to the child's process group
  {"after": 0.5, "expect_stopped": true}        wait (<= 5 s) until the child has stopped; whether it
                                                did is listed, in order, under "stopped" in the result
  {"after": 0.0, "termios": "name"}             record the terminal's modes under that name
  {"after": 0.5, "cont": true}                  SIGCONT to the child's group and make it foreground again
  {"after": 0.5, "mark": "name"}                record the output length under that name
  {"after": 0.0, "wait_for": "text",            read until the output holds the text (UTF-8) past
   "timeout": 30}                               the last mark, or the timeout passes; whether it
                                                came is listed, in order, under "waited"
  {"after": 0.0, "append": "PATH",              append the bytes (base64) to a file, as a service
   "data": "BASE64"}                            writing its log would (one write, O_APPEND)

Waiting for output rather than for a fixed time keeps a driven program's slow start on a busy
machine from landing a step before the program is ready for it.

The child runs in its own process group, in the foreground of a session whose leader is this
script's helper process, so terminal-generated stops (Ctrl-Z) reach it as they would from a shell.
Prints one JSON object: exit status, termios snapshots (before launch, named, after exit), marks,
whether each expect_stopped saw the stop, whether each wait_for saw its text, and the byte count of everything the child wrote
(saved to --out).
"""
import argparse
import base64
import fcntl
import json
import os
import select
import signal
import struct
import sys
import termios
import time


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def modes(fd):
    return repr(termios.tcgetattr(fd))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cols", type=int, default=120)
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--steps", default=None)
    parser.add_argument("--out", required=True)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    steps = json.load(open(args.steps)) if args.steps else []

    master, slave = os.openpty()
    set_size(slave, args.cols, args.rows)
    before = modes(slave)
    # The child: a new session with the pty as its controlling terminal, in its own process group
    # that is the terminal's foreground group. This script (parent) stays outside the session, so
    # it plays the part of the shell: it sees stops with waitpid and sends SIGCONT.
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.dup2(slave, 0)
        os.dup2(slave, 1)
        os.dup2(slave, 2)
        if slave > 2:
            os.close(slave)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGTSTP, signal.SIGWINCH, signal.SIGCONT):
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        # A session leader's group is orphaned for job control; a grandchild in its own group
        # under a leader that stays in the session is not, so Ctrl-Z really stops it.
        # Both sides make the group and give it the terminal, as shells do: whichever runs first
        # wins, and the command never starts in a background group (where ncurses' first
        # tcsetattr would stop it with SIGTTOU).
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        inner = os.fork()
        if inner == 0:
            os.setpgid(0, 0)
            os.tcsetpgrp(0, os.getpid())
            signal.signal(signal.SIGTTOU, signal.SIG_DFL)
            try:
                os.execvp(cmd[0], cmd)
            finally:
                os._exit(127)
        try:
            os.setpgid(inner, inner)
            os.tcsetpgrp(0, inner)
        except OSError:
            pass  # EACCES: the child has already done both and called exec
        while True:
            _, status = os.waitpid(inner, os.WUNTRACED | os.WCONTINUED)
            if os.WIFSTOPPED(status):
                # Report the stop to the driver through a status file, like a shell's job table.
                open(os.environ["PTYDRIVE_STATE"], "w").write("stopped")
                continue
            if os.WIFCONTINUED(status):
                open(os.environ["PTYDRIVE_STATE"], "w").write("running")
                continue
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
            os._exit(code)

    state_file = os.environ["PTYDRIVE_STATE"]
    output = bytearray()
    snapshots = {}
    marks = {}
    last_mark = 0
    stops = []
    waited = []
    deadline = time.monotonic() + args.timeout

    def pump(seconds):
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([master], [], [], min(left, 0.05))
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    return
                if not data:
                    return
                output.extend(data)

    def child_group():
        try:
            return os.tcgetpgrp(master)
        except OSError:
            return None

    for step in steps:
        pump(step.get("after", 0))
        if "keys" in step:
            try:
                os.write(master, step["keys"].encode())
            except OSError:
                pass  # the child has gone; its exit status tells the test
        if "resize" in step:
            cols, rows = step["resize"]
            set_size(slave, cols, rows)
            group = child_group()
            if group:
                try:
                    os.killpg(group, signal.SIGWINCH)
                except ProcessLookupError:
                    pass
        if "signal" in step:
            group = child_group()
            if group:
                os.killpg(group, getattr(signal, "SIG" + step["signal"]))
        if step.get("expect_stopped"):
            until = time.monotonic() + 5
            seen = False
            while time.monotonic() < until:
                if os.path.exists(state_file) and open(state_file).read() == "stopped":
                    seen = True
                    # Whatever it wrote before stopping is in the pty already: read it now, so
                    # that a mark after this step counts it.
                    pump(0.05)
                    break
                pump(0.02)
            stops.append(seen)
        if "termios" in step:
            snapshots[step["termios"]] = modes(slave)
        if step.get("cont"):
            group = child_group()
            if group:
                os.killpg(group, signal.SIGCONT)
        if "wait_for" in step:
            needle = step["wait_for"].encode()
            until = time.monotonic() + step.get("timeout", 30)
            seen = needle in output[last_mark:]
            while not seen and time.monotonic() < until:
                pump(0.02)
                seen = needle in output[last_mark:]
            waited.append(seen)
        if "append" in step:
            fd = os.open(step["append"], os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, base64.b64decode(step["data"]))
            finally:
                os.close(fd)
        if "mark" in step:
            marks[step["mark"]] = len(output)
            last_mark = len(output)

    status = None
    while time.monotonic() < deadline:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.WEXITSTATUS(raw) if os.WIFEXITED(raw) else 128 + os.WTERMSIG(raw)
            break
        pump(0.05)
    if status is None:
        group = child_group()
        if group:
            os.killpg(group, signal.SIGKILL)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        status = -1
    pump(0.2)
    after = modes(slave)
    open(args.out, "wb").write(bytes(output))
    print(json.dumps({
        "exit": status, "before": before, "after": after, "termios": snapshots, "marks": marks,
        "stopped": stops, "waited": waited, "bytes": len(output),
    }))


if __name__ == "__main__":
    main()
