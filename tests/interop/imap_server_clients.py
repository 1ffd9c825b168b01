#!/usr/bin/env python3
"""Python's imaplib (an independent client) against imap-server: download and compare.

usage: imap_server_clients.py PORT MAILDIR MANIFEST OUTDIR

MAILDIR is what imap-server serves (its cur/ holds make_mailbox.py's CRLF files), MANIFEST
make_mailbox.py's "<file name> <octets>" lines in file-name order, which is imap-server's
UID order. Checks, each printed:
  - EXAMINE INBOX: EXISTS, [UIDVALIDITY], [UIDNEXT], [READ-ONLY];
  - SELECT answers [READ-ONLY] too (imaplib's select() refuses a read-only SELECT, so
    readonly=True sends EXAMINE; SELECT goes through _simple_command);
  - LIST "" * and LIST "" with the pattern sent as a synchronizing literal (imaplib waits
    for the server's "+" before sending it);
  - SEARCH ALL and UID SEARCH ALL: 1..N;
  - UID FETCH 1:* (UID RFC822.SIZE FLAGS INTERNALDATE): the UIDs and sizes of the files;
  - UID FETCH i (BODY.PEEK[]) for every message -> OUTDIR/i.eml, equal to the file byte for
    byte; BODY.PEEK[HEADER] + BODY.PEEK[TEXT] equal the file too; a <partial> is a slice;
  - three clients at once (threads), each downloading every message;
  - what the server does not offer answers BAD or NO and the connection goes on.
"""
import imaplib
import os
import re
import sys
import threading

USER, PASS = "alice", "wonderland"


def fail(msg):
    print(f"imap_server_clients: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def connect(port):
    m = imaplib.IMAP4("127.0.0.1", port, timeout=15)
    typ, _ = m.login(USER, PASS)
    if typ != "OK":
        fail("LOGIN refused")
    return m


def literal_of(data):
    """The payload of a FETCH response item from imaplib's list of (prefix, literal) pairs."""
    return [part[1] for part in data if isinstance(part, tuple)]


def download_all(port, n, out=None):
    m = connect(port)
    typ, _ = m.select("INBOX", readonly=True)
    if typ != "OK":
        fail("EXAMINE INBOX refused")
    got = {}
    for uid in range(1, n + 1):
        typ, data = m.uid("FETCH", str(uid), "(BODY.PEEK[])")
        if typ != "OK":
            fail(f"UID FETCH {uid} BODY.PEEK[]: {typ} {data}")
        lits = literal_of(data)
        if len(lits) != 1:
            fail(f"UID FETCH {uid}: expected one literal, got {data!r:.200}")
        got[uid] = lits[0]
        if out:
            with open(os.path.join(out, f"{uid}.eml"), "wb") as f:
                f.write(lits[0])
    m.logout()
    return got


def main():
    port, maildir, manifest, outdir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    os.makedirs(outdir, exist_ok=True)
    files = []
    with open(manifest) as f:
        for line in f:
            if line.strip():
                name, size = line.split()
                with open(os.path.join(maildir, "cur", name), "rb") as g:
                    data = g.read()
                if len(data) != int(size):
                    fail(f"{name}: {len(data)} octets, manifest says {size}")
                files.append(data)
    n = len(files)

    m = connect(port)
    typ, data = m.list('""', "*")
    if typ != "OK" or data != [b'(\\HasNoChildren) "/" INBOX']:
        fail(f"LIST \"\" *: {typ} {data}")
    m.literal = b"%"  # LIST "" {1} ... "+" ... %
    typ, data = m._simple_command("LIST", '""')
    data = m._untagged_response(typ, data, "LIST")[1]
    if typ != "OK" or data != [b'(\\HasNoChildren) "/" INBOX']:
        fail(f"LIST \"\" with a literal pattern: {typ} {data}")
    print("checked: LIST \"\" * and LIST \"\" {1} (synchronizing literal, answered \"+\") list INBOX")

    typ, data = m._simple_command("SELECT", "INBOX")
    if typ != "OK" or "READ-ONLY" not in m.untagged_responses:
        fail(f"SELECT: {typ} {data}, expected OK [READ-ONLY]")
    typ, data = m.select("INBOX", readonly=True)  # EXAMINE
    exists = int(data[0])
    uidvalidity = m.untagged_responses.get("UIDVALIDITY", [b"0"])[0]
    uidnext = int(m.untagged_responses.get("UIDNEXT", [b"0"])[0])
    if typ != "OK" or exists != n or uidnext != n + 1 or not int(uidvalidity):
        fail(f"EXAMINE: {typ} EXISTS {exists} UIDNEXT {uidnext} UIDVALIDITY {uidvalidity}; {n} messages")
    print(f"checked: SELECT and EXAMINE INBOX: [READ-ONLY], EXISTS {exists}, UIDVALIDITY {int(uidvalidity)}, UIDNEXT {uidnext}")

    want = " ".join(str(i) for i in range(1, n + 1)).encode()
    for args in ((None, "ALL"),):
        typ, data = m.search(*args)
        if typ != "OK" or data != [want]:
            fail(f"SEARCH ALL: {typ} {data}")
        typ, data = m.uid("SEARCH", *args)
        if typ != "OK" or data != [want]:
            fail(f"UID SEARCH ALL: {typ} {data}")
    print(f"checked: SEARCH ALL and UID SEARCH ALL = 1..{n}")

    typ, data = m.uid("FETCH", "1:*", "(UID RFC822.SIZE FLAGS INTERNALDATE)")
    if typ != "OK" or len(data) != n:
        fail(f"UID FETCH 1:*: {typ} {len(data)} responses")
    for i, line in enumerate(data, start=1):
        mm = re.match(rb'(\d+) \(UID (\d+) RFC822\.SIZE (\d+) FLAGS \(([^)]*)\) INTERNALDATE "([^"]+)"\)$', line)
        if not mm:
            fail(f"FETCH response {line!r}")
        seq, uid, size = int(mm.group(1)), int(mm.group(2)), int(mm.group(3))
        if (seq, uid, size) != (i, i, len(files[i - 1])):
            fail(f"message {i}: sequence {seq}, UID {uid}, RFC822.SIZE {size}; file {len(files[i - 1])} octets")
        if mm.group(4) != b"":  # make_mailbox.py's names end in ":2,": no Maildir flags
            fail(f"UID {uid}: FLAGS ({mm.group(4)!r}), expected ()")
        imaplib.Internaldate2tuple(b'INTERNALDATE "' + mm.group(5) + b'"') or fail(f"INTERNALDATE {mm.group(5)!r}")
    print(f"compared: UID FETCH 1:* gives UIDs 1..{n} and RFC822.SIZE = file sizes; INTERNALDATEs parse")

    for uid, raw in enumerate(files, start=1):
        typ, data = m.uid("FETCH", str(uid), "(BODY.PEEK[HEADER] BODY.PEEK[TEXT])")
        lits = literal_of(data)
        if typ != "OK" or len(lits) != 2 or lits[0] + lits[1] != raw:
            fail(f"UID {uid}: BODY.PEEK[HEADER] + BODY.PEEK[TEXT] differ from the file")
        if not lits[0].endswith(b"\r\n\r\n"):
            fail(f"UID {uid}: BODY[HEADER] does not end with the empty line")
    typ, data = m.uid("FETCH", "4", "(BODY.PEEK[]<100.50>)")
    lits = literal_of(data)
    if typ != "OK" or lits != [files[3][100:150]] or b"BODY[]<100>" not in data[0][0]:
        fail(f"UID FETCH 4 BODY.PEEK[]<100.50>: {data!r:.200}")
    print(f"compared: BODY.PEEK[HEADER] + BODY.PEEK[TEXT] = the file for all {n}; BODY.PEEK[]<100.50> = octets 100..149")

    got = download_all(port, n, outdir)
    for uid, raw in enumerate(files, start=1):
        if got[uid] != raw:
            fail(f"UID {uid}: BODY.PEEK[] ({len(got[uid])} octets) differs from the file ({len(raw)})")
    print(f"compared: {n} messages downloaded with BODY.PEEK[] equal the files byte for byte")

    results, errors = {}, []

    def worker(k):
        try:
            results[k] = download_all(port, n)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(f"client {k}: {e!r}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors or len(results) != 3:
        fail(f"concurrent clients: {errors or 'a client did not finish in 60 s'}")
    for k, got in results.items():
        if any(got[uid] != raw for uid, raw in enumerate(files, start=1)):
            fail(f"concurrent client {k}: a download differs")
    print("compared: 3 clients at once each downloaded every message unchanged")

    for args, want_typ, want_text in (
        (("FETCH", "1", "(ENVELOPE)"), "BAD", b"FETCH ENVELOPE is not supported by this server"),
        (("STORE", "1", "+FLAGS", "(\\Seen)"), "BAD", b"STORE is not supported by this read-only server"),
        (("SEARCH", "UNSEEN"), "NO", b"[CANNOT] only SEARCH ALL is supported"),
        (("FETCH", str(n + 1), "(FLAGS)"), "BAD", f"no such message: the mailbox holds {n}".encode()),
        (("FETCH", "1", "(BODY[1 2])"), "BAD", b'invalid_syntax at offset 22: expected "]"'),
    ):
        try:
            typ, data = m._simple_command(*args)
        except imaplib.IMAP4.error as e:
            typ, data = ("BAD" if "BAD" in str(e) else "ERR"), [str(e).encode()]
        if typ != want_typ or not any(want_text in d for d in data if isinstance(d, bytes)):
            fail(f"{' '.join(args)}: {typ} {data}, expected {want_typ} {want_text!r}")
        print(f"checked: {' '.join(args)} -> {want_typ} {want_text.decode()}")
    typ, _ = m.noop()
    if typ != "OK":
        fail("NOOP after the refusals")
    typ, _ = m.close()
    typ2, _ = m.logout()
    if typ != "OK" or typ2 != "BYE":
        fail(f"CLOSE {typ}, LOGOUT {typ2}")
    print("checked: the connection went on after each refusal; CLOSE OK, LOGOUT BYE")


if __name__ == "__main__":
    main()
