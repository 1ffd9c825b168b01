#!/usr/bin/env python3
"""Check what pop3-fetch downloaded against the Maildir the server served.

usage: check_fetch.py --report FILE --source MAILDIR --manifest FILE [--expect-deleted]
       check_fetch.py --report FILE --expect-empty

--report   pop3-fetch --report output: "stat COUNT OCTETS", then one
           "msg N size S uid U retrieved R received B deleted D path P" line per message.
--source   the served Maildir as it was before the run (its cur/ holds the manifest's files).
--manifest make_mailbox.py's manifest: "<file name> <octets>" per message.

Checks: STAT count and octets equal the manifest's; each LIST size equals the manifest size
of the file whose bytes the message has; a UIDL for every message, all distinct; each
downloaded message is byte for byte one file of the source (a bijection); no problem was
reported and replies were parsed. With --expect-deleted, every message was DELEted.
--expect-empty: STAT said 0 messages, 0 octets.
"""
import argparse
import os
import sys


def fail(msg):
    print(f"check_fetch: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def read_report(path):
    rep = {"msgs": []}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "stat":
                rep["stat"] = (int(w[1]), int(w[2]))
            elif w[0] == "msg":
                kv = dict(zip(w[2::2], w[3::2]))
                rep["msgs"].append({"n": int(w[1]), "size": int(kv["size"]), "uid": kv["uid"],
                                    "retrieved": kv["retrieved"] == "1", "received": int(kv["received"]),
                                    "deleted": kv["deleted"] == "1", "path": kv["path"]})
            elif w[0] in ("parsed", "problems"):
                rep[w[0]] = int(w[1])
    return rep


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--report", required=True)
    ap.add_argument("--source")
    ap.add_argument("--manifest")
    ap.add_argument("--expect-deleted", action="store_true")
    ap.add_argument("--expect-empty", action="store_true")
    ap.add_argument("--x-uidl", action="store_true",
                    help="each message carries an added 'X-UIDL: <its UIDL>' as its last header line "
                         "(GNU Mailutils pop3d); it is checked and removed before comparing")
    a = ap.parse_args()

    rep = read_report(a.report)
    if "stat" not in rep:
        fail("the report has no STAT line (the session ended before STAT)")
    if rep.get("problems", 1) != 0:
        fail(f"pop3-fetch reported {rep.get('problems')} problem(s)")
    if rep.get("parsed", 0) == 0:
        fail("no reply was parsed")

    if a.expect_empty:
        if rep["stat"] != (0, 0) or rep["msgs"]:
            fail(f"expected an empty maildrop, STAT says {rep['stat']}, LIST {len(rep['msgs'])} message(s)")
        print(f"check_fetch: compared STAT = 0 messages, 0 octets after the --delete run "
              f"({rep['parsed']} replies parsed)")
        return

    manifest = []
    with open(a.manifest) as f:
        for line in f:
            if line.strip():
                name, size = line.rsplit(" ", 1)
                manifest.append((name, int(size)))
    sources = {}
    for name, size in manifest:
        with open(os.path.join(a.source, "cur", name), "rb") as f:
            data = f.read()
        if len(data) != size:
            fail(f"source file {name} is {len(data)} octets, manifest says {size}")
        sources[name] = data

    count, octets = rep["stat"]
    want_octets = sum(s for _, s in manifest)
    if (count, octets) != (len(manifest), want_octets):
        fail(f"STAT {count} {octets} != manifest {len(manifest)} {want_octets}")
    if len(rep["msgs"]) != len(manifest):
        fail(f"LIST gave {len(rep['msgs'])} messages, manifest has {len(manifest)}")

    uids = set()
    matched = {}
    by_content = {}
    for name, data in sources.items():
        by_content.setdefault(data, []).append(name)
    for m in rep["msgs"]:
        n = m["n"]
        if m["uid"] == "-":
            fail(f"message {n}: no UIDL")
        if m["uid"] in uids:
            fail(f"message {n}: UIDL {m['uid']} repeated")
        uids.add(m["uid"])
        if not m["retrieved"]:
            fail(f"message {n}: not retrieved")
        if a.expect_deleted and not m["deleted"]:
            fail(f"message {n}: not deleted")
        with open(m["path"], "rb") as f:
            got = f.read()
        if len(got) != m["received"]:
            fail(f"message {n}: file {m['path']} has {len(got)} octets, RETR gave {m['received']}")
        if a.x_uidl:
            added = b"X-UIDL: " + m["uid"].encode() + b"\r\n"
            end = got.find(b"\r\n\r\n") + 2
            if end < 2 or not got[:end].endswith(added):
                fail(f"message {n}: no 'X-UIDL: {m['uid']}' as the last header line")
            got = got[:end - len(added)] + got[end:]
        names = [x for x in by_content.get(got, []) if x not in matched.values()]
        if not names:
            # Say where it differs from the file it most likely is (same place in the manifest).
            guess, data = manifest[min(n, len(manifest)) - 1][0], None
            data = sources[guess]
            off = first_difference(got, data)
            fail(f"message {n} ({len(got)} octets) equals no source file; vs {guess} ({len(data)} octets) "
                 f"it differs at offset {off}: got {got[off:off + 16]!r}, file has {data[off:off + 16]!r}")
        name = names[0]
        matched[n] = name
        size = dict(manifest)[name]
        if m["size"] != size:
            fail(f"message {n}: LIST size {m['size']} != manifest {size} for {name}")
    if sorted(matched.values()) != sorted(sources):
        fail("not every source file was downloaded")
    print(f"check_fetch: compared STAT ({count} messages, {octets} octets) and {len(manifest)} LIST sizes with "
          f"the manifest, {len(uids)} distinct UIDLs, and {len(manifest)} downloaded messages byte for byte with "
          f"the served files ({want_octets} octets){'; all DELEted' if a.expect_deleted else ''}"
          f"{'; after removing the X-UIDL header line the server added to each' if a.x_uidl else ''}")


if __name__ == "__main__":
    main()
