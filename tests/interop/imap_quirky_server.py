#!/usr/bin/env python3
"""A scripted IMAP server with one real-server quirk, for imap-fetch's strict/lenient modes.

usage: imap_quirky_server.py PORT_FILE [CONNECTIONS] [MAX_SECONDS]

Listens on 127.0.0.1 (a free port, written to PORT_FILE), serves CONNECTIONS connections
one after the other (2 by default), and exits after MAX_SECONDS (60) whatever happens.
It answers imap-fetch's commands with canned responses. The quirk: BODYSTRUCTURE with NIL
as body-fld-enc, as Apple iCloud sends it (djc/imap-proto#205), which RFC 9051's grammar
does not allow (body-fld-enc is a string). mailwire rejects it in strict mode and accepts
it in lenient mode. It offers AUTH=PLAIN without SASL-IR, so the client must wait for "+".
"""
import socket
import sys
import time

QUIRKY_BODYSTRUCTURE = b'("text" "plain" ("charset" "us-ascii") NIL NIL NIL 12 1)'
BODY = b"hello world\n"


def serve(conn, deadline):
    conn.settimeout(max(1.0, deadline - time.time()))
    f = conn.makefile("rb")

    def send(*lines):
        conn.sendall(b"".join(lines))

    send(b"* OK quirky IMAP ready\r\n")
    while True:
        line = f.readline()
        if not line:
            return
        words = line.rstrip(b"\r\n").split(b" ")
        tag, name = words[0], (words[1].upper() if len(words) > 1 else b"")
        if name == b"UID" and len(words) > 2:
            name = b"UID " + words[2].upper()
        if name == b"CAPABILITY":
            send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE\r\n", tag, b" OK done\r\n")
        elif name == b"AUTHENTICATE":
            send(b"+ \r\n")
            f.readline()  # the base64 PLAIN response
            send(tag, b" OK logged in\r\n")
        elif name == b"LOGIN":
            send(tag, b" OK logged in\r\n")
        elif name == b"LIST":
            send(b'* LIST (\\HasNoChildren) "/" INBOX\r\n', tag, b" OK listed\r\n")
        elif name == b"SELECT":
            send(b"* FLAGS (\\Seen)\r\n* 1 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n* OK [UIDNEXT 2] ok\r\n",
                 tag, b" OK [READ-WRITE] selected\r\n")
        elif name == b"UID FETCH":
            if b"BODYSTRUCTURE" in line:
                send(b'* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 12 ENVELOPE (NIL "quirky" NIL NIL NIL NIL NIL NIL NIL NIL) '
                     b"BODYSTRUCTURE " + QUIRKY_BODYSTRUCTURE + b")\r\n")
            elif b"HEADER" in line:
                send(b"* 1 FETCH (UID 1 BODY[HEADER] {2}\r\n\r\n)\r\n")
            else:
                send(b"* 1 FETCH (UID 1 BODY[1]<0> {%d}\r\n" % len(BODY), BODY, b")\r\n")
            send(tag, b" OK fetched\r\n")
        elif name == b"IDLE":
            send(b"+ idling\r\n")
            f.readline()  # DONE
            send(tag, b" OK idle done\r\n")
        elif name == b"LOGOUT":
            send(b"* BYE quirky server logging out\r\n", tag, b" OK bye\r\n")
            return
        else:
            send(tag, b" BAD unknown command\r\n")


def main():
    port_file = sys.argv[1]
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    deadline = time.time() + (float(sys.argv[3]) if len(sys.argv) > 3 else 60.0)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    for _ in range(connections):
        srv.settimeout(max(0.1, deadline - time.time()))
        try:
            conn, _ = srv.accept()
        except OSError:
            return
        with conn:
            try:
                serve(conn, deadline)
            except OSError:
                pass


if __name__ == "__main__":
    main()
