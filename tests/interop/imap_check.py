#!/usr/bin/env python3
"""Check what imap-fetch saw and downloaded against the Maildir Dovecot served.

usage: imap_check.py --dump DIR --log FILE --source MAILDIR --manifest FILE
                     [--download] [--part UID:SECTION:BYTES] [--idle] [--folders]
                     [--unlisted UID,...]

--dump      imap-fetch --dump DIR: DIR/manifest ("exists N", "uidvalidity V", "uidnext U",
            "msg uid U size S" per message, "downloaded uid U octets S", "idle ok"),
            DIR/<uid>.eml, DIR/part-<uid>-<section>.bin, DIR/header-<uid>.txt
--log       imap-fetch's standard output
--source    the served Maildir's cur/ as it was before the run
--manifest  make_mailbox.py's manifest: "<file name> <octets>" per message, in delivery order
--unlisted  UIDs expected to be missing from the UID FETCH listing because imap-fetch could not
            parse their ENVELOPE/BODYSTRUCTURE response (a server outside the grammar, named by
            the calling test); every other message must still be listed, and --download still
            compares them all

Dovecot gives a new Maildir's messages UIDs 1..N in the order of their file names (the
delivery time stamp in front), which is the manifest's order: UID i is manifest line i.
The files are written with CRLF line ends, so RFC822.SIZE (the size with CRLF, RFC 9051
§7.5.2) is the file size and BODY[] is the file, byte for byte.
"""
import argparse
import email
import email.policy
import os
import sys


def fail(msg):
    print(f"imap_check: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def read_manifest_lines(path):
    out = {"msgs": [], "downloaded": {}, "idle": False}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] in ("exists", "uidvalidity", "uidnext"):
                out[w[0]] = int(w[1])
            elif w[0] == "msg":
                out["msgs"].append((int(w[2]), int(w[4])))
            elif w[0] == "downloaded":
                out["downloaded"][int(w[2])] = int(w[4])
            elif w[0] == "idle":
                out["idle"] = True
    return out


def section_bytes(raw, section):
    """The bytes of a body part as IMAP numbers it (RFC 9051 §6.4.5), via Python's parser."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    node = msg
    for n in section.split("."):
        n = int(n)
        if node.is_multipart():
            node = node.get_payload()[n - 1]
        elif node.get_content_type() in ("message/rfc822", "message/global"):
            inner = node.get_payload()[0]
            node = inner.get_payload()[n - 1] if inner.is_multipart() else inner
            if not inner.is_multipart() and n != 1:
                fail(f"section {section}: no part {n}")
        elif n == 1:
            pass  # a non-multipart body is its own part 1
        else:
            fail(f"section {section}: no part {n}")
    payload = node.get_payload(decode=False)
    if isinstance(payload, list):  # message/rfc822 or multipart: not needed here
        fail(f"section {section} is not a leaf part")
    return payload.encode("utf-8", "surrogateescape")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--download", action="store_true")
    ap.add_argument("--part")
    ap.add_argument("--idle", action="store_true")
    ap.add_argument("--folders", action="store_true")
    ap.add_argument("--unlisted", default="")
    a = ap.parse_args()
    unlisted = {int(u) for u in a.unlisted.split(",") if u}

    files = []
    with open(a.manifest) as f:
        for line in f:
            if line.strip():
                name, size = line.split()
                files.append((name, int(size)))
    blobs = []
    for name, size in files:
        with open(os.path.join(a.source, name), "rb") as f:
            data = f.read()
        if len(data) != size:
            fail(f"{name}: {len(data)} octets on disk, manifest says {size}")
        if b"\n" in data.replace(b"\r\n", b""):
            fail(f"{name}: a bare LF on disk; RFC822.SIZE would not be the file size")
        blobs.append(data)

    got = read_manifest_lines(os.path.join(a.dump, "manifest"))
    with open(a.log, encoding="utf-8") as f:
        log = f.read()

    n = len(files)
    if got.get("exists") != n:
        fail(f"EXISTS {got.get('exists')}, the mailbox holds {n}")
    if got.get("uidnext") != n + 1:
        fail(f"UIDNEXT {got.get('uidnext')}, expected {n + 1} for a fresh Maildir")
    if not got.get("uidvalidity"):
        fail("no UIDVALIDITY")
    listed = [(i, f) for i, f in enumerate(files, start=1) if i not in unlisted]
    if len(got["msgs"]) != len(listed):
        fail(f"UID FETCH listed {len(got['msgs'])} messages, expected {len(listed)} "
             f"(the mailbox holds {n}, unlisted: {sorted(unlisted)})")
    for (uid, size), (i, (name, fsize)) in zip(got["msgs"], listed):
        if uid != i:
            fail(f"message {i}: UID {uid}, expected {i} (delivery order)")
        if size != fsize:
            fail(f"UID {uid}: RFC822.SIZE {size}, file {name} has {fsize} octets")
    if unlisted:
        print(f"compared: {len(listed)} of {n} messages listed (not UIDs {sorted(unlisted)}, as expected), "
              f"UIDs and RFC822.SIZE = file sizes")
    else:
        print(f"compared: {n} messages, UIDs 1..{n}, RFC822.SIZE = file sizes")

    if a.download:
        if sorted(got["downloaded"]) != list(range(1, n + 1)):
            fail(f"downloaded UIDs {sorted(got['downloaded'])}")
        for i, data in enumerate(blobs, start=1):
            with open(os.path.join(a.dump, f"{i}.eml"), "rb") as f:
                down = f.read()
            if down != data:
                k = next((j for j, (x, y) in enumerate(zip(down, data)) if x != y), min(len(down), len(data)))
                fail(f"UID {i}: downloaded {len(down)} octets differ from {files[i - 1][0]} ({len(data)}) at octet {k}")
        print(f"compared: {n} downloaded messages equal the files byte for byte")

    if a.part:
        uid, section, nbytes = a.part.split(":")
        uid, nbytes = int(uid), int(nbytes)
        want = section_bytes(blobs[uid - 1], section)[:nbytes]
        with open(os.path.join(a.dump, f"part-{uid}-{section}.bin"), "rb") as f:
            part = f.read()
        if part != want:
            fail(f"BODY.PEEK[{section}]<0.{nbytes}> of UID {uid}: got {part!r}, expected {want!r}")
        print(f"compared: BODY.PEEK[{section}]<0.{nbytes}> of UID {uid} = {part!r}")
        raw = blobs[uid - 1]
        want_header = raw[: raw.index(b"\r\n\r\n") + 4]
        with open(os.path.join(a.dump, f"header-{uid}.txt"), "rb") as f:
            header = f.read()
        if header != want_header:
            fail(f"BODY.PEEK[HEADER] of UID {uid}: {len(header)} octets, expected the {len(want_header)} of the file's header")
        print(f"compared: BODY.PEEK[HEADER] of UID {uid} ({len(header)} octets) = the file's header")

    if a.idle:
        if not got["idle"] or "-- idling for" not in log or "-- IDLE done" not in log:
            fail("IDLE did not run")
        print("checked: IDLE ran and DONE was answered OK")

    if a.folders:
        names = [line.split()[0] for line in log.splitlines() if line.startswith("   ") and "(wire: " in line]
        for want in ("INBOX", "Archive", "Été", "日本語"):
            if want not in names:
                fail(f"LIST: {want} not among the decoded mailbox names {names}")
        print(f"checked: LIST decoded {names}")


if __name__ == "__main__":
    main()
