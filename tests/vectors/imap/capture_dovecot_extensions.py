#!/usr/bin/env python3
"""Capture dovecot-2.3.19-extensions-{server,client}.raw: one command at a time against a
Dovecot from tests/interop/dovecot.sh on 127.0.0.1:11143 with the Maildir of
tests/interop/make_mailbox.py. usage: capture_dovecot_extensions.py SERVER_OUT CLIENT_OUT"""
import socket, time, sys
s = socket.create_connection(("127.0.0.1", 11143))
s.settimeout(5)
out = bytearray()
sent = bytearray()
def recv_until(tag):
    buf = bytearray()
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d: break
        buf += d
        if tag is None and buf.endswith(b"\r\n"): break
        if tag is not None and (b"\r\n" + tag + b" ") in (b"\r\n" + bytes(buf)) and buf.endswith(b"\r\n"):
            last = bytes(buf).split(b"\r\n")[-2]
            if last.startswith(tag + b" "): break
    return bytes(buf)
out += recv_until(None)
cmds = [
 b'LOGIN alice wonderland',
 b'ENABLE QRESYNC',
 b'ID ("name" "mailwire" "version" "0.1")',
 b'NAMESPACE',
 b'CREATE Lists/Sub',
 b'SUBSCRIBE Lists/Sub',
 b'LIST (SUBSCRIBED) "" "*" RETURN (CHILDREN STATUS (MESSAGES UNSEEN SIZE))',
 b'LIST "" "%" RETURN (SPECIAL-USE)',
 b'LSUB "" "*"',
 b'STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN SIZE RECENT HIGHESTMODSEQ)',
 b'SELECT INBOX (CONDSTORE)',
 b'UID SEARCH RETURN (MIN MAX COUNT ALL) ALL',
 b'SEARCH RETURN (ALL) UNSEEN',
 b'SEARCH MODSEQ 1',
 b'SORT (DATE) UTF-8 ALL',
 b'THREAD REFERENCES UTF-8 ALL',
 b'UID FETCH 1:3 (UID FLAGS MODSEQ RFC822.SIZE INTERNALDATE SAVEDATE) (CHANGEDSINCE 1)',
 b'FETCH 1 (BINARY.SIZE[1] BINARY[1] BODY[HEADER.FIELDS (SUBJECT FROM)] BODY[TEXT]<0.20> PREVIEW)',
 b'FETCH 4 (BODYSTRUCTURE BODY[2.MIME] BINARY.SIZE[2])',
 b'STORE 2 +FLAGS (\\Flagged $Label1)',
 b'UID STORE 3 +FLAGS.SILENT (\\Deleted) (UNCHANGEDSINCE 1)',
 b'UID EXPUNGE 3',
 b'SEARCH CHARSET X-NO-SUCH-CHARSET ALL',
 b'COPY 1 Lists/Sub',
 b'UID MOVE 1 Lists/Sub',
 b'SELECT Lists/Sub (QRESYNC (1 1))',
 b'UNSELECT',
 b'GETQUOTAROOT INBOX',
 b'MYRIGHTS INBOX',
 b'DELETE Lists/Sub',
 b'NOOP',
 b'LOGOUT',
]
for i, c in enumerate(cmds):
    tag = b"c%d" % (i + 1)
    s.sendall(tag + b" " + c + b"\r\n")
    sent.extend(tag + b" " + c + b"\r\n")
    out += recv_until(tag)
s.close()
open(sys.argv[1], "wb").write(bytes(out))
open(sys.argv[2], "wb").write(bytes(sent))
print(len(out))
