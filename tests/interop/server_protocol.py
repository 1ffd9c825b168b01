#!/usr/bin/env python3
"""pop3-server's protocol behaviour over raw sockets (its built-in bob / hungry mailbox).

usage: server_protocol.py PORT

1. Pipelining (RFC 2449 §6.6): 17 commands in one write; the replies come in order and are
   right: CAPA's list, STAT, LIST, UIDL, LIST n, UIDL n, RETR 2 (dot-stuffed on the wire,
   912 octets unstuffed), TOP 2 3 and TOP 1 0 (prefixes of the messages), DELE, RSET, NOOP.
2. Bad input gets "-ERR" and the connection stays usable: commands in the wrong state, a
   wrong password, an unknown or malformed command, a 300-octet line, a bare LF (strict),
   a NUL, bad message numbers.
3. Several clients at once: an idle client in AUTHORIZATION, a second login refused with
   [IN-USE] while the first holds the maildrop, accepted after the first QUITs.
4. UPDATE only after QUIT (RFC 1939 §6): a DELE then a dropped connection deletes nothing;
   DELE then QUIT deletes.
"""
import socket
import sys
import time


def fail(msg):
    print(f"server_protocol: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.greeting = self.line()
        if not self.greeting.startswith(b"+OK"):
            fail(f"greeting {self.greeting!r}")

    def send(self, data):
        self.s.sendall(data)

    def line(self):
        end = time.monotonic() + 10
        while b"\r\n" not in self.buf:
            if time.monotonic() > end:
                fail(f"no complete line within 10 s: {self.buf[-100:]!r}")
            chunk = self.s.recv(65536)
            if not chunk:
                fail(f"connection closed; buffered {self.buf[-100:]!r}")
            self.buf += chunk
        i = self.buf.index(b"\r\n") + 2
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def block(self):
        """The lines of a multi-line reply after its status line, still dot-stuffed."""
        lines = []
        while True:
            l = self.line()
            if l == b".\r\n":
                return lines
            lines.append(l)

    def cmd(self, text):
        self.send(text.encode() + b"\r\n")
        return self.line()

    def expect(self, text, prefix):
        r = self.cmd(text)
        if not r.startswith(prefix):
            fail(f"{text!r}: got {r!r}, want {prefix!r}...")
        return r

    def closed(self):
        self.s.settimeout(5)
        try:
            return self.s.recv(1) == b""
        except socket.timeout:
            return False


def unstuff(lines):
    return b"".join(l[1:] if l.startswith(b".") else l for l in lines)


def pipelining(port):
    c = Conn(port)
    cmds = ["CAPA", "USER bob", "PASS hungry", "STAT", "LIST", "UIDL", "LIST 2", "UIDL 1", "RETR 2", "TOP 2 3",
            "TOP 1 0", "DELE 1", "LIST 1", "STAT", "RSET", "STAT", "NOOP"]
    multi = {"CAPA", "LIST", "UIDL", "RETR 2", "TOP 2 3", "TOP 1 0"}
    c.send(b"".join(x.encode() + b"\r\n" for x in cmds))
    r = {}
    for x in cmds:
        status = c.line()
        n = sum(1 for k in r if k.split("#")[0] == x)
        key = x if n == 0 else f"{x}#{n + 1}"
        r[key] = (status, c.block() if x in multi and status.startswith(b"+OK") else None)
    if not all(st.startswith(b"+OK") for k, (st, _) in r.items() if k != "LIST 1"):
        fail(f"pipelined replies: {[(k, st) for k, (st, _) in r.items()]}")
    caps = {l.strip() for l in r["CAPA"][1]}
    want = {b"TOP", b"UIDL", b"USER", b"PIPELINING", b"RESP-CODES", b"IMPLEMENTATION mailwire-pop3-server"}
    if caps != want:
        fail(f"CAPA {caps}")
    if r["STAT"][0] != b"+OK 2 1410\r\n" or r["LIST"][1] != [b"1 498\r\n", b"2 912\r\n"]:
        fail(f"STAT/LIST {r['STAT'][0]!r} {r['LIST'][1]!r}")
    uids = [l.split()[1] for l in r["UIDL"][1]]
    if len(set(uids)) != 2 or r["UIDL 1"][0] != b"+OK 1 " + uids[0] + b"\r\n":
        fail(f"UIDL {r['UIDL'][1]!r} / {r['UIDL 1'][0]!r}")
    if r["LIST 2"][0] != b"+OK 2 912\r\n":
        fail(f"LIST 2 {r['LIST 2'][0]!r}")
    body2 = r["RETR 2"][1]
    if b"..\r\n" not in body2 or len(unstuff(body2)) != 912:
        fail("RETR 2: the '.' line is not stuffed, or the size is not 912")
    blank = body2.index(b"\r\n")
    if r["TOP 2 3"][1] != body2[: blank + 4]:
        fail(f"TOP 2 3 is not the header, the blank line and 3 lines of RETR 2: {r['TOP 2 3'][1]!r}")
    top1 = r["TOP 1 0"][1]
    if top1[-1] != b"\r\n" or top1.count(b"\r\n") != 1 or not top1[0].startswith(b"Return-Path:"):
        fail(f"TOP 1 0 is not the header of message 1: {top1!r}")
    if not r["LIST 1"][0].startswith(b"-ERR"):
        fail(f"LIST 1 after DELE 1: {r['LIST 1'][0]!r}")
    if r["STAT#2"][0] != b"+OK 1 912\r\n" or r["STAT#3"][0] != b"+OK 2 1410\r\n":
        fail(f"STAT after DELE 1, after RSET: {r['STAT#2'][0]!r} {r['STAT#3'][0]!r}")
    c.expect("QUIT", b"+OK")  # RSET undid the DELE: nothing is deleted
    if not c.closed():
        fail("no close after QUIT")
    print(f"server_protocol: pipelining: {len(cmds)} commands in one write, {len(cmds)} replies in order, "
          "compared CAPA, STAT, LIST, UIDL, LIST 2, UIDL 1, RETR 2 (stuffed '..', 912 octets), TOP 2 3, TOP 1 0, "
          "DELE/LIST 1/STAT/RSET/STAT, NOOP")


def bad_input(port):
    c = Conn(port)
    checks = [("STAT", b"-ERR"), ("PASS hungry", b"-ERR"), ("USER bob", b"+OK"), ("PASS wrong", b"-ERR [AUTH]"),
              ("HELLO", b"-ERR"), ("XYZZY 1", b"-ERR"), ("RETR 0", b"-ERR"), ("X" * 300, b"-ERR"),
              ("LIST", b"-ERR"), ("\x00", b"-ERR"), ("USER", b"-ERR")]
    for text, prefix in checks:
        c.expect(text, prefix)
    c.send(b"NOOP\n")  # a bare LF: strict mode answers -ERR and drops the line
    r = c.line()
    if not r.startswith(b"-ERR"):
        fail(f"bare LF line: {r!r}")
    c.expect("USER bob", b"+OK")
    c.expect("PASS hungry", b"+OK")
    after = [("RETR 3", b"-ERR"), ("RETR x", b"-ERR"), ("DELE 0", b"-ERR"), ("TOP 1", b"-ERR"),
             ("LIST 1 2", b"-ERR"), ("USER bob", b"-ERR"), ("APOP bob 0123456789abcdef0123456789abcdef", b"-ERR"),
             ("AUTH PLAIN", b"-ERR"), ("STLS", b"-ERR"), ("retr 99999999999", b"-ERR"), ("NOOP", b"+OK"),
             ("stat", b"+OK 2 1410")]
    for text, prefix in after:
        c.expect(text, prefix)
    c.expect("QUIT", b"+OK")
    print(f"server_protocol: bad input: {len(checks) + 1 + len(after)} lines (wrong state, wrong password, unknown and "
          "malformed commands, a 300-octet line, a bare LF, a NUL, bad message numbers) each answered as expected "
          "on one connection that kept working")


def concurrency(port):
    idle = Conn(port)  # stays in AUTHORIZATION throughout
    a = Conn(port)
    a.expect("USER bob", b"+OK")
    a.expect("PASS hungry", b"+OK")
    b = Conn(port)
    b.expect("USER bob", b"+OK")
    b.expect("PASS hungry", b"-ERR [IN-USE]")
    a.expect("STAT", b"+OK 2 1410")
    a.expect("QUIT", b"+OK")
    b.expect("USER bob", b"+OK")
    b.expect("PASS hungry", b"+OK")
    b.expect("QUIT", b"+OK")
    idle.expect("NOOP", b"-ERR")  # NOOP is a TRANSACTION command
    idle.expect("QUIT", b"+OK")
    print("server_protocol: 3 clients at once: an idle one stayed served, a second login got -ERR [IN-USE] "
          "while the first held the maildrop and succeeded after its QUIT")


def update(port):
    c = Conn(port)
    c.expect("USER bob", b"+OK")
    c.expect("PASS hungry", b"+OK")
    c.expect("DELE 1", b"+OK")
    c.s.close()  # no QUIT: no UPDATE
    time.sleep(0.2)
    c = Conn(port)
    c.expect("USER bob", b"+OK")
    for _ in range(50):  # the server may not have seen the close yet: the lock is still held
        r = c.cmd("PASS hungry")
        if r.startswith(b"+OK"):
            break
        if not r.startswith(b"-ERR [IN-USE]"):
            fail(f"PASS: {r!r}")
        c.expect("USER bob", b"+OK")
        time.sleep(0.1)
    c.expect("STAT", b"+OK 2 1410")
    c.expect("DELE 1", b"+OK")
    c.expect("QUIT", b"+OK")
    c = Conn(port)
    c.expect("USER bob", b"+OK")
    c.expect("PASS hungry", b"+OK")
    c.expect("STAT", b"+OK 1 912")
    c.expect("QUIT", b"+OK")
    print("server_protocol: UPDATE: DELE then a dropped connection kept the message; DELE then QUIT removed it")


def main():
    port = int(sys.argv[1])
    pipelining(port)
    bad_input(port)
    concurrency(port)
    update(port)


if __name__ == "__main__":
    main()
