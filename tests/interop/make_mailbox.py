#!/usr/bin/env python3
"""Write a deterministic Maildir of varied messages for mailwire's interop tests.

usage: make_mailbox.py MAILDIR [MANIFEST]

The messages cover what a mail parser meets in practice: plain text, multipart/alternative,
multipart/mixed with a base64 attachment, a nested message/rfc822, RFC 2047 encoded
subjects, an 8-bit body, lines beginning with '.', an empty body and a ~1 MB message, plus
folders with non-ASCII names. MANIFEST (optional) receives one line per INBOX message:
"<name> <octets>" where octets is the size with CRLF line ends, as POP3 counts it.
"""
import base64
import os
import sys

CRLF = "\r\n"


def msg(headers, body):
    # Every line ends in CRLF, the last one too: that is how a message arrives over SMTP, and
    # a POP3 server must add a CRLF to a last line that lacks one (RETR sends whole lines),
    # which would make the downloaded message differ from the file by those two bytes.
    lines = [f"{k}: {v}" for k, v in headers] + [""] + (body.split("\n") if body else [])
    return (CRLF.join(lines) + CRLF).encode("utf-8")


def base_headers(n, subject, ctype="text/plain; charset=us-ascii"):
    return [
        ("Return-Path", "<sender@example.org>"),
        ("From", "Sender Example <sender@example.org>"),
        ("To", "Alice <alice@example.net>, bob@example.com"),
        ("Cc", "Team: carol@example.com, dave@example.com;"),
        ("Subject", subject),
        ("Date", f"Mon, {n + 1:02d} Jun 2026 10:{n:02d}:00 +0200"),
        ("Message-ID", f"<msg{n}.mailwire@example.org>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", ctype),
    ]


def messages():
    out = []
    out.append(msg(base_headers(1, "Plain hello"), "Hello Alice,\n\nA plain message.\n\n-- \nSender"))
    out.append(msg(base_headers(2, "=?UTF-8?B?w4l0w6kgw6AgUGFyaXM=?= and =?ISO-8859-1?Q?caf=E9?="),
                   "Encoded-word subject."))
    alt = ("--ALT\nContent-Type: text/plain; charset=utf-8\n\nplain part\n--ALT\n"
           "Content-Type: text/html; charset=utf-8\n\n<p>html part</p>\n--ALT--")
    out.append(msg(base_headers(3, "Alternative", 'multipart/alternative; boundary="ALT"'), alt))
    blob = base64.encodebytes(bytes(range(256)) * 8).decode().rstrip("\n")
    mixed = ("--MIX\nContent-Type: text/plain; charset=us-ascii\n\nSee attachment.\n--MIX\n"
             "Content-Type: application/octet-stream; name=\"data.bin\"\n"
             "Content-Transfer-Encoding: base64\n"
             "Content-Disposition: attachment; filename=\"data.bin\"\n\n" + blob + "\n--MIX--")
    out.append(msg(base_headers(4, "Mixed with attachment", 'multipart/mixed; boundary="MIX"'), mixed))
    inner = CRLF.join(["From: Inner <inner@example.com>", "To: alice@example.net", "Subject: Inner message",
                       "Date: Tue, 2 Jun 2026 09:00:00 +0000", "", "Inner body."])
    nested = ("--OUT\nContent-Type: text/plain\n\nForwarded below.\n--OUT\nContent-Type: message/rfc822\n\n"
              + inner.replace(CRLF, "\n") + "\n--OUT--")
    out.append(msg(base_headers(5, "Fwd: nested", 'multipart/mixed; boundary="OUT"'), nested))
    out.append(msg(base_headers(6, "8-bit body", "text/plain; charset=utf-8") + [("Content-Transfer-Encoding", "8bit")],
                   "Grüße aus Köln. Ça va? Ωμέγα."))
    out.append(msg(base_headers(7, "Dots"), ".leading dot\n..two dots\n.\nend"))
    out.append(msg(base_headers(8, "Empty body"), ""))
    big_line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"  # 64 chars
    out.append(msg(base_headers(9, "Large"), "\n".join(big_line for _ in range(16000))))
    return out


def main():
    root = sys.argv[1]
    manifest = sys.argv[2] if len(sys.argv) > 2 else None
    for folder in ["", ".Archive", ".&AMk-t&AOk-", ".&ZeVnLIqe-"]:  # INBOX, Archive, Été, 日本語
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(root, folder, sub), exist_ok=True)
    lines = []
    for i, data in enumerate(messages(), start=1):
        name = f"{1780000000 + i}.M{i}P1.mailwire,S={len(data)}:2,"
        with open(os.path.join(root, "cur", name), "wb") as f:
            f.write(data)
        lines.append(f"{name} {len(data)}")
    with open(os.path.join(root, ".Archive", "cur", "1780000100.M1P1.mailwire:2,S"), "wb") as f:
        f.write(messages()[0])
    with open(os.path.join(root, "subscriptions"), "w") as f:
        f.write("Archive\n")
    if manifest:
        with open(manifest, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
