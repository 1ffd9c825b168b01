#!/usr/bin/env python3
"""Python's poplib (an independent POP3 client) against pop3-server serving a Maildir.

usage: poplib_check.py PORT USER PASS MAILDIR [--apop]

pop3-server numbers the messages of cur/ and new/ in file-name order and uses the file name
before ":" as the unique-id. Checks: the greeting; CAPA lists TOP UIDL USER PIPELINING
RESP-CODES IMPLEMENTATION; login (USER/PASS, or APOP with --apop); STAT and LIST against the
file sizes; UIDL against the file names; RETR of each message equals its file byte for byte
(poplib undoes the dot-stuffing itself); TOP n 0 is the header and the blank line; LIST n,
UIDL n; DELE then RSET; QUIT.
"""
import os
import poplib
import sys


def fail(msg):
    print(f"poplib_check: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    port, user, password, maildir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    use_apop = "--apop" in sys.argv[5:]
    files = sorted((name, os.path.join(maildir, sub, name)) for sub in ("cur", "new")
                   for name in os.listdir(os.path.join(maildir, sub)) if not name.startswith("."))
    data = [open(path, "rb").read() for _, path in files]

    p = poplib.POP3("127.0.0.1", port, timeout=10)
    welcome = p.getwelcome()
    if not welcome.startswith(b"+OK"):
        fail(f"greeting {welcome!r}")
    caps = p.capa()
    for c in ("TOP", "UIDL", "USER", "PIPELINING", "RESP-CODES", "IMPLEMENTATION"):
        if c not in caps:
            fail(f"CAPA lacks {c}: {caps}")
    if use_apop:
        r = p.apop(user, password)  # poplib computes the MD5 digest from the greeting's timestamp
    else:
        p.user(user)
        r = p.pass_(password)
    if not r.startswith(b"+OK"):
        fail(f"login: {r!r}")

    count, octets = p.stat()
    if (count, octets) != (len(data), sum(map(len, data))):
        fail(f"STAT {count} {octets} != {len(data)} files, {sum(map(len, data))} octets")
    _, listing, _ = p.list()
    sizes = [tuple(map(int, line.split())) for line in listing]
    if sizes != [(i + 1, len(d)) for i, d in enumerate(data)]:
        fail(f"LIST {sizes}")
    _, uids, _ = p.uidl()
    want_uids = [f"{i + 1} {name.split(':')[0]}".encode() for i, (name, _) in enumerate(files)]
    if uids != want_uids:
        fail(f"UIDL {uids} != {want_uids}")
    for i, d in enumerate(data, start=1):
        resp, lines, _ = p.retr(i)
        got = b"".join(line + b"\r\n" for line in lines)
        if got != d:
            off = next((k for k, (a, b) in enumerate(zip(got, d)) if a != b), min(len(got), len(d)))
            fail(f"RETR {i} differs from {files[i - 1][0]} at offset {off}: {got[off:off + 20]!r} vs {d[off:off + 20]!r}")
        _, top_lines, _ = p.top(i, 0)
        header = d[: d.index(b"\r\n\r\n") + 4]
        if b"".join(line + b"\r\n" for line in top_lines) != header:
            fail(f"TOP {i} 0 is not the header of {files[i - 1][0]}")
    if p.list(2) != f"+OK 2 {len(data[1])}".encode():
        fail(f"LIST 2: {p.list(2)!r}")
    if p.uidl(1) != f"+OK {want_uids[0].decode()}".encode():
        fail(f"UIDL 1: {p.uidl(1)!r}")
    p.dele(1)
    if p.stat() != (len(data) - 1, sum(map(len, data)) - len(data[0])):
        fail(f"STAT after DELE 1: {p.stat()}")
    try:
        p.retr(1)
        fail("RETR of a deleted message succeeded")
    except poplib.error_proto:
        pass
    p.rset()
    if p.stat() != (len(data), sum(map(len, data))):
        fail(f"STAT after RSET: {p.stat()}")
    p.noop()
    q = p.quit()
    if not q.startswith(b"+OK"):
        fail(f"QUIT: {q!r}")
    print(f"poplib_check: compared CAPA, {'APOP' if use_apop else 'USER/PASS'} login, STAT, LIST and UIDL with "
          f"the {len(data)} Maildir files, RETR of each byte for byte ({sum(map(len, data))} octets), TOP n 0 "
          f"with each header, LIST 2, UIDL 1, DELE/RSET, QUIT")


if __name__ == "__main__":
    main()
