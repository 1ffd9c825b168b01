#!/usr/bin/env python3
"""Extract the client command examples ("C:" lines) of the IMAP RFCs into test vectors.

usage: extract_commands.py RFC_DIR OUT_DIR

For each RFC listed in RFCS, writes OUT_DIR/commands-rfcNNNN.txt. Each entry is one complete
command message as a client sends it (all its lines, CRLF after each, literal payloads
inline), in this format:

    @ rfcNNNN L<line of the first C: line>
    ! <errc> <why>          (only for an example that must be rejected; see INVALID)
    > first line of the message, without its CRLF
    > next line (a literal's data, or the rest of the command after a literal)

A line "> " with nothing after the space is an empty line. Entries are separated by a blank
line; lines starting with "#" are comments.

How the C: lines become messages: the lines of one example are read in order, folding the
RFC's wrapped lines (a following line indented past the "C:" and holding no "C:"/"S:") back
with one SP. A line ending in "{n}", "{n+}" or "~{n}" announces a literal: the next n octets of
the client's byte stream (the following C: lines joined with CRLF) are its data, and the
line after them continues the command. Client lines that are not commands are skipped: the
AUTHENTICATE responses after a command announcing AUTHENTICATE (until the server's tagged
response), and the "DONE" that ends IDLE.

When the server answers before a synchronizing literal's data (it refused it), or the RFC
abbreviates the data, the message is what was sent up to the announcement, marked
"! invalid_syntax" (a parser is given a complete message). Examples the RFC gets wrong are listed in INVALID (rejected, with the errc),
SKIP (prose that looks like an example) or OVERRIDE (read by hand; a "#" line says how).
"""
import os
import re
import sys

RFCS = [
    "rfc9051", "rfc3501", "rfc4315", "rfc4314", "rfc4959", "rfc4978", "rfc5161", "rfc5256",
    "rfc5258", "rfc5464", "rfc5819", "rfc5957", "rfc6154", "rfc6851", "rfc6855", "rfc7162",
    "rfc7889", "rfc8437", "rfc8438", "rfc8474", "rfc8508", "rfc8514", "rfc8970", "rfc9208",
    "rfc9394", "rfc2971", "rfc2342", "rfc2177", "rfc3502", "rfc3691", "rfc4731", "rfc5182",
    "rfc5032", "rfc3516", "rfc4466",
]

# Examples that are deliberately (or mistakenly) not valid commands: (rfc, line) -> (errc, why).
# The line is that of the example's first C: line.
INVALID = {
    ("rfc5819", 150): ("invalid_syntax", "no SP between list-select-opts and the mailbox (RFC typo)"),
    ("rfc5464", 698): ("invalid_syntax", "two entries without parentheses: entries = entry / \"(\" entry *(SP entry) \")\""),
    ("rfc9394", 292): ("invalid_syntax", "SP before \")\" in the fetch-att list (\"(UID FLAGS )\", RFC typo)"),
    ("rfc5464", 708): ("invalid_syntax", "two entries without parentheses: entries = entry / \"(\" entry *(SP entry) \")\""),
}

# RFC lines that are prose, not examples, though they hold "C:".
SKIP = {
    ("rfc9051", 5327), ("rfc9051", 5329),  # "...very long command line...", "...empty line..."
    ("rfc3501", 3703), ("rfc3501", 3705),
}

# Examples whose C: lines cannot be read mechanically: (rfc, line) -> (message, comment).
OVERRIDE = {
    ("rfc5464", 606): (
        "a SETMETADATA INBOX (/private/comment {33}\r\nMy new comment across\r\ntwo lines.)\r\n",
        "the RFC shows the literal's data without \"C:\" and the closing \")\" on a line of its own; "
        "{33} is exactly \"My new comment across\" CRLF \"two lines.\", so \")\" follows it",
    ),
}

PAGE_HEADER = re.compile(r"^RFC \d+ .*\S\s*$")
PAGE_FOOTER = re.compile(r"\[Page \d+\]\s*$")
CS = re.compile(r"(^|\s)([CS]):(?: (.*)|$)")
# Indented lines that are notes, not wrapped text: "...", "...time passes...", "(note ...".
NOT_FOLDED = re.compile(r"^\s*(\.\.\.|\(note |//)")
LITERAL_END = re.compile(r"~?\{(\d+)\+?\}$")


def read_lines(path):
    """The RFC's lines with page headers, footers and form feeds blanked (line numbers kept)."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f.read().split("\n"):
            line = raw.replace("\f", "").rstrip("\r")
            if PAGE_FOOTER.search(line) or (PAGE_HEADER.match(line) and "  " in line):
                line = ""
            out.append(line.rstrip())
    return out


def examples(lines):
    """The RFC's examples: runs of C:/S: lines (each a (line number, 'C' or 'S', text)),
    wrapped lines folded back with one SP. A non-blank line that belongs to no C:/S: line
    (prose) ends a run; blank lines and page breaks do not."""
    groups = []
    cur = []
    i = 0
    while i < len(lines):
        m = CS.search(lines[i])
        if not m:
            if lines[i].strip() and cur:
                groups.append(cur)
                cur = []
            i += 1
            continue
        col = m.start(2)
        who = m.group(2)
        text = m.group(3) if m.group(3) is not None else ""
        start = i
        i += 1
        # Folded continuation lines: indented past the "C:" column, no C:/S: of their own.
        # A line announcing a literal is never folded: what follows is the literal's data.
        while i < len(lines) and lines[i].strip() and not CS.search(lines[i]):
            indent = len(lines[i]) - len(lines[i].lstrip())
            if indent <= col or (who == "C" and LITERAL_END.search(text)) or NOT_FOLDED.match(lines[i]):
                break
            # A line broken after a comma (inside a sequence set) is joined without SP.
            text = text + ("" if text.endswith(",") else " ") + lines[i].strip()
            i += 1
        cur.append((start + 1, who, text))
    if cur:
        groups.append(cur)
    return groups


def messages(group, rfc, warn, state):
    """The command messages of one example: list of (line number, message, notes) where
    message is the text of the whole message (CRLFs included) and notes are lines for the
    entry ("! errc why" or "# comment")."""
    out = []
    i = 0
    # Prose inside an example ("...time passes...", "(note ...)") splits it into several
    # groups; the AUTHENTICATE and IDLE states carry over.
    auth_tag = state.get("auth_tag")
    idle = state.get("idle", False)

    while i < len(group):
        ln, who, text = group[i]
        text = text.lstrip(" ")  # some examples align their text with extra spaces
        if who == "S":
            if auth_tag is not None and text.split(" ", 1)[0] == auth_tag:
                auth_tag = None
            i += 1
            continue
        if auth_tag is not None:
            i += 1  # an AUTHENTICATE response line
            continue
        if idle and text.strip().upper() == "DONE":
            idle = False
            i += 1
            continue
        i += 1
        if (rfc, ln) in SKIP:
            continue
        if (rfc, ln) in OVERRIDE:
            msg, note = OVERRIDE[(rfc, ln)]
            out.append((ln, msg, ["# " + note]))
            # Skip the example's remaining lines up to the tagged response.
            tag = text.split(" ", 1)[0]
            while i < len(group) and not (group[i][1] == "S" and group[i][2].lstrip(" ").split(" ", 1)[0] == tag):
                i += 1
            continue
        tag = text.split(" ", 1)[0]
        # A command: its first line, then any literals, framed as a server would.
        msg = text.encode("utf-8")
        line = text
        notes = []
        while True:
            m = LITERAL_END.search(line)
            if not m:
                msg += b"\r\n"
                break
            need = int(m.group(1))
            msg += b"\r\n"
            buf = b""
            seen = []
            stop = None
            while len(buf) < need:
                if i >= len(group):
                    stop = "end"
                    break
                l2, w2, t2 = group[i]
                if w2 == "S":
                    if t2.lstrip(" ").split(" ", 1)[0] == tag:
                        stop = "tagged"
                        break
                    i += 1
                    continue
                seen.append(t2)
                buf += t2.encode("utf-8") + b"\r\n"
                i += 1
            if stop is not None:
                if any("[...]" in t for t in seen):
                    why = "the RFC elides the literal's data ([...])"
                elif stop == "end":
                    why = "the RFC does not show the literal's data as C: lines (abbreviated example)"
                elif not seen:
                    why = "the server refused the synchronizing literal; the data was never sent"
                else:
                    why = "the server answered before the literal's data was complete"
                notes.append(f"! invalid_syntax {why}")
                warn.append(f"{rfc} L{ln}: {why}")
                break
            payload, rest = buf[:need], buf[need:]
            if rest == b"":
                # The data ends at a line end: the command goes on in the next C: line.
                while i < len(group) and group[i][1] == "S" and group[i][2].lstrip(" ").split(" ", 1)[0] != tag:
                    i += 1
                if i < len(group) and group[i][1] == "C":
                    line = group[i][2]
                    i += 1
                else:
                    line = ""
                    notes.append("# the RFC counts the example's last (empty) C: line into the literal; "
                                 "the command's own CRLF is added after the data")
            else:
                if b"\r\n" in rest[:-2]:
                    warn.append(f"{rfc} L{ln}: literal {{{need}}} leaves {rest!r}")
                line = rest[:-2].decode("utf-8")
            msg += payload + line.encode("utf-8")
        words = text.split(" ")
        if len(words) > 1 and words[1].upper() == "AUTHENTICATE":
            auth_tag = words[0]  # responses follow until the server's tagged reply
        if len(words) > 1 and words[1].upper() == "IDLE":
            idle = True
        out.append((ln, msg.decode("utf-8"), notes))
    state["idle"] = idle
    state["auth_tag"] = auth_tag
    return out


def main():
    rfc_dir, out_dir = sys.argv[1], sys.argv[2]
    warn = []
    total = 0
    for rfc in RFCS:
        path = os.path.join(rfc_dir, rfc + ".txt")
        lines = read_lines(path)
        entries = []
        state = {}
        for group in examples(lines):
            entries.extend(messages(group, rfc, warn, state))
        out_path = os.path.join(out_dir, f"commands-{rfc}.txt")
        with open(out_path, "w", encoding="utf-8", newline="\n") as f:
            f.write(f"# Client command examples (C: lines) of {rfc.upper()}, one message per entry.\n")
            f.write(f"# Generated by extract_commands.py from {rfc}.txt; see its docstring for the format.\n")
            for ln, msg, notes in entries:
                f.write(f"\n@ {rfc} L{ln}\n")
                for note in notes:
                    f.write(note + "\n")
                inv = INVALID.get((rfc, ln))
                if inv:
                    f.write(f"! {inv[0]} {inv[1]}\n")
                assert msg.endswith("\r\n")
                for line in msg[:-2].split("\r\n"):
                    f.write(f"> {line}\n")
        total += len(entries)
        print(f"{rfc}: {len(entries)} commands")
    for w in warn:
        print("warning:", w, file=sys.stderr)
    print(f"total: {total}")


if __name__ == "__main__":
    main()
