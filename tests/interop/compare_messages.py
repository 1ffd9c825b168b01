#!/usr/bin/env python3
"""Compare the messages a POP3 client stored with the Maildir the server served.

usage: compare_messages.py --label NAME --source MAILDIR --got DIR [--lf]

Every file under DIR (recursively: a Maildir's new/ and cur/, or a plain directory) must be
byte for byte one message of MAILDIR/cur and MAILDIR/new, each served message exactly once.
--lf: the client stores messages with Unix line ends (getmail6's Maildir delivery, fetchmail's
MDA), so each served message is compared after turning its CRLFs into LFs; nothing else may
differ (no header added, none changed).
"""
import argparse
import os
import sys


def files_under(d):
    for root, _, names in os.walk(d):
        for n in sorted(names):
            if not n.startswith("."):
                yield os.path.join(root, n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--got", required=True)
    ap.add_argument("--lf", action="store_true")
    a = ap.parse_args()

    served = {}
    for sub in ("cur", "new"):
        for path in files_under(os.path.join(a.source, sub)):
            data = open(path, "rb").read()
            served[os.path.basename(path)] = data.replace(b"\r\n", b"\n") if a.lf else data
    got = [(p, open(p, "rb").read()) for p in files_under(a.got)]

    def fail(msg):
        print(f"{a.label}: FAIL: {msg}", file=sys.stderr)
        sys.exit(1)

    if len(got) != len(served):
        fail(f"{len(got)} message(s) stored, {len(served)} served")
    left = dict(served)
    for path, data in got:
        name = next((n for n, d in left.items() if d == data), None)
        if name is None:
            near = min(left.items(), key=lambda kv: abs(len(kv[1]) - len(data)))
            off = next((k for k, (x, y) in enumerate(zip(data, near[1])) if x != y), min(len(data), len(near[1])))
            fail(f"{path} ({len(data)} octets) equals no served message; vs {near[0]} ({len(near[1])} octets) "
                 f"it differs at offset {off}: {data[off:off + 24]!r} vs {near[1][off:off + 24]!r}")
        del left[name]
    total = sum(len(d) for d in served.values())
    print(f"{a.label}: compared {len(got)} stored messages byte for byte with the {len(served)} served files "
          f"({total} octets{', CRLF as LF' if a.lf else ''}): all equal, none missing")


if __name__ == "__main__":
    main()
