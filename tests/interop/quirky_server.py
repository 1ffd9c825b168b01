#!/usr/bin/env python3
"""A scripted POP3 server with one real-world quirk, to check pop3-fetch's modes end to end.

usage: quirky_server.py PORT_FILE CONNECTIONS

Listens on 127.0.0.1 (a free port, written to PORT_FILE), serves CONNECTIONS sessions one
after the other, then exits (or after 60 s). The quirk: the LIST reply uses bare LF line
ends ("+OK\\n1 5\\n.\\n"), as servers writing Unix line ends do. Strict mode must refuse it
(pop3-fetch exits 1 naming strict_violation); lenient mode must accept it and fetch the one
message. Everything else is RFC 1939 to the letter; CAPA gets -ERR (an RFC 1939-only server).
"""
import socket
import sys
import time

REPLIES = {
    b"CAPA": b"-ERR unknown command\r\n",
    b"USER": b"+OK\r\n",
    b"PASS": b"+OK maildrop ready\r\n",
    b"STAT": b"+OK 1 5\r\n",
    b"LIST": b"+OK 1 message\n1 5\n.\n",
    b"UIDL": b"+OK\r\n1 quirk-1\r\n.\r\n",
    b"RETR": b"+OK 5 octets\r\nabc\r\n.\r\n",
    b"QUIT": b"+OK bye\r\n",
}


def main():
    port_file, sessions = sys.argv[1], int(sys.argv[2])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    srv.settimeout(1)
    with open(port_file + ".tmp", "w") as f:
        f.write(f"{srv.getsockname()[1]}\n")
    import os
    os.rename(port_file + ".tmp", port_file)
    deadline = time.monotonic() + 60
    while sessions > 0 and time.monotonic() < deadline:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        sessions -= 1
        conn.settimeout(10)
        f = conn.makefile("rb")
        conn.sendall(b"+OK quirky POP3 server\r\n")
        try:
            for line in f:
                word = line.split()[0].upper() if line.split() else b""
                conn.sendall(REPLIES.get(word, b"-ERR unknown command\r\n"))
                if word == b"QUIT":
                    break
        except (socket.timeout, ConnectionError):
            pass
        conn.close()


if __name__ == "__main__":
    main()
