#!/usr/bin/env python3
"""Replay the seed dialogue against pop3-server's built-in mailbox and compare every reply.

usage: seed_dialogue.py PORT TRANSCRIPT

TRANSCRIPT is examples/transcripts/seed-pop3.txt ("C: " client lines, "S: " server lines,
"#" comments; "S:" alone is an empty line). Each client line is sent as written (lower-case
commands: RFC 1939 §3 keywords are case-insensitive) with CRLF; the server's bytes up to the
next client line must equal the transcript's server lines joined with CRLF, exactly (the
message contents, dot-stuffing of the "." line, the listing and every status text). After
QUIT the server must close the connection. A second session then finds the maildrop empty:
the two DELEs took effect in the UPDATE state.
"""
import socket
import sys
import time


def fail(msg):
    print(f"seed_dialogue: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def read_exactly(sock, n, what, deadline_s=10.0):
    buf = b""
    end = time.monotonic() + deadline_s
    while len(buf) < n:
        left = end - time.monotonic()
        if left <= 0:
            fail(f"{what}: got {len(buf)} of {n} octets within {deadline_s} s: {buf[-200:]!r}")
        sock.settimeout(left)
        try:
            chunk = sock.recv(n - len(buf))
        except socket.timeout:
            continue
        if not chunk:
            fail(f"{what}: connection closed after {len(buf)} of {n} octets: {buf[-200:]!r}")
        buf += chunk
    return buf


def parse(path):
    steps = []  # (client line or None for the greeting, expected server bytes)
    current_client, server_lines = None, []
    for raw in open(path, encoding="utf-8").read().split("\n"):
        if raw.startswith("#") or raw == "":
            continue
        if raw.startswith("C: "):
            steps.append((current_client, server_lines))
            current_client, server_lines = raw[3:], []
        elif raw.startswith("S:"):
            server_lines.append(raw[3:] if len(raw) > 2 else "")
        else:
            fail(f"unreadable transcript line {raw!r}")
    steps.append((current_client, server_lines))
    return [(c, "".join(line + "\r\n" for line in s).encode()) for c, s in steps]


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    steps = parse(path)
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    compared = 0
    for client, expected in steps:
        what = "greeting" if client is None else f"reply to {client!r}"
        if client is not None:
            sock.sendall(client.encode() + b"\r\n")
        got = read_exactly(sock, len(expected), what)
        if got != expected:
            off = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b)
            fail(f"{what} differs at offset {off}: got {got[off:off + 40]!r}, want {expected[off:off + 40]!r}")
        compared += len(expected)
    sock.settimeout(5)
    try:
        rest = sock.recv(100)
    except socket.timeout:
        fail("the server did not close the connection after QUIT")
    if rest:
        fail(f"octets after the reply to QUIT: {rest!r}")
    sock.close()

    # UPDATE happened: both messages are gone for the next session.
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    f = s.makefile("rb")
    replies = [f.readline()]
    for line in (b"USER bob", b"PASS hungry", b"STAT", b"QUIT"):
        s.sendall(line + b"\r\n")
        replies.append(f.readline())
    s.close()
    if replies[3] != b"+OK 0 0\r\n" or not all(r.startswith(b"+OK") for r in replies):
        fail(f"second session: {replies!r}")
    clients = sum(1 for c, _ in steps if c is not None)
    print(f"seed_dialogue: compared the greeting and the replies to {clients} commands of {path.split('/')[-1]} "
          f"byte for byte ({compared} octets), the close after QUIT, and STAT '+OK 0 0' in a new session "
          f"(DELE 1 and DELE 2 done in UPDATE)")


if __name__ == "__main__":
    main()
