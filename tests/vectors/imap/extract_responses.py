#!/usr/bin/env python3
"""Extract the server response examples ("S:" lines) of the IMAP RFCs into test vectors.

usage: extract_responses.py RFC_DIR OUT_DIR

For each RFC in extract_commands.RFCS, writes OUT_DIR/responses-rfcNNNN.txt in the format
extract_commands.py documents (entries "@ rfcNNNN L<line>", optional "! <errc> <why>" for an
example that must be rejected (strict mode) and "~ <why>" for one accepted only in lenient
mode, then "> " lines of the message without CRLFs).

The RFC's example runs are read with extract_commands.examples() (wrapped lines folded).
Each S: line is one message, except that a line ending in "{n}" or "~{n}" announces a
literal: the next n octets of the server's byte stream (the following S: lines joined with
CRLF) are its data and the rest of the last line continues the message.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extract_commands as ec  # noqa: E402

LITERAL_END = re.compile(r"~?\{(\d+)\}$")

# (rfc, line) -> (marker, why): examples the RFC gets wrong, or that abbreviate.
# marker "!" + errc: rejected in strict mode with that code; "~": lenient mode only.
NOTES = {
    ('rfc2177', 123): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc2177', 133): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc2177', 147): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc2193', 212): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc2193', 214): ('~', 'the RFC lists flags without "\\\\" and leaves the list open'),
    ('rfc2193', 218): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc2193', 219): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc2193', 220): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc2193', 244): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc2193', 246): ('~', 'the RFC lists flags without "\\\\" and leaves the list open'),
    ('rfc2342', 205): ('! strict_violation', 'the RFC wraps the line between namespace-descrs, and folding puts SP there (lenient mode reads it)'),
    ('rfc2342', 221): ('~', 'the RFC example has a doubled SP'),
    ('rfc3501', 1633): ('~', 'the RFC shows the condition with nothing after it (its text also loses any trailing SP)'),
    ('rfc3501', 3208): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc3501', 3209): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc3501', 3210): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc4314', 578): ('! invalid_syntax', 'the RFC shows a tagged response without OK/NO/BAD'),
    ('rfc4314', 809): ('! invalid_syntax', 'the RFC leaves the FETCH list unclosed'),
    ('rfc4314', 810): ('! invalid_syntax', 'the RFC leaves the FETCH list unclosed'),
    ('rfc4314', 811): ('! invalid_syntax', 'the RFC leaves the FETCH list unclosed'),
    ('rfc4314', 819): ('! invalid_syntax', 'the RFC shows a tagged response without OK/NO/BAD'),
    ('rfc4469', 548): ('! invalid_syntax', 'the RFC wraps the response over lines the extractor cannot rejoin'),
    ('rfc4959', 158): ('~', 'the RFC shows the condition with nothing after it (its text also loses any trailing SP)'),
    ('rfc4959', 194): ('~', 'the RFC shows the condition with nothing after it (its text also loses any trailing SP)'),
    ('rfc4978', 183): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc4978', 200): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc5032', 106): ('! invalid_syntax', 'the RFC shows a tagged response without OK/NO/BAD'),
    ('rfc5182', 205): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc5182', 206): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc5256', 648): ('! invalid_syntax', 'the RFC wraps the line, and folding puts SP between thread-lists, which touch'),
    ('rfc5256', 658): ('! invalid_syntax', 'the RFC wraps the line, and folding puts SP between thread-lists, which touch'),
    ('rfc5182', 207): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc5182', 217): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc5182', 218): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc5182', 219): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc5255', 308): ('! invalid_syntax', 'the RFC omits the SP between the first two namespaces'),
    ('rfc5267', 233): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc5465', 350): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc5465', 366): ('! invalid_syntax', 'the RFC puts prose after the response on the same line'),
    ('rfc5465', 369): ('! invalid_syntax', 'the RFC puts prose after the response on the same line'),
    ('rfc5465', 388): ('! invalid_syntax', 'the RFC shows a tagged response without OK/NO/BAD'),
    ('rfc5465', 494): ('! invalid_syntax', 'the RFC wraps the response over lines the extractor cannot rejoin'),
    ('rfc5465', 872): ('! invalid_syntax', 'the RFC puts the COUNT return data in parentheses'),
    ('rfc5465', 873): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc5530', 180): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc5819', 141): ('~', 'the RFC example has a doubled SP'),
    ('rfc5819', 152): ('~', 'the RFC example has a doubled SP'),
    ('rfc6851', 194): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc6851', 196): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc7162', 484): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc7162', 599): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc7162', 703): ('~', 'the RFC shows the condition with nothing after it (its text also loses any trailing SP)'),
    ('rfc7162', 713): ('~', 'the RFC shows the condition with nothing after it (its text also loses any trailing SP)'),
    ('rfc7162', 1167): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc7162', 1493): ('! invalid_syntax', 'the RFC wraps the response over lines the extractor cannot rejoin'),
    ('rfc7162', 1545): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc7162', 1633): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc7377', 402): ('! invalid_syntax', 'the RFC wraps the response over lines the extractor cannot rejoin'),
    ('rfc7377', 404): ('! invalid_syntax', 'the RFC wraps the response over lines the extractor cannot rejoin'),
    ('rfc7377', 411): ('! invalid_syntax', 'the RFC wraps the response over lines the extractor cannot rejoin'),
    ('rfc7889', 198): ('~', 'the RFC example has a doubled SP'),
    ('rfc9051', 1525): ('~', 'the RFC shows the condition with nothing after it (its text also loses any trailing SP)'),
    ('rfc9051', 1575): ('~', 'the RFC shows the condition with nothing after it (its text also loses any trailing SP)'),
    ('rfc9051', 3078): ('~', 'the RFC example has a doubled SP'),
    ('rfc9051', 3089): ('~', 'the RFC example has a doubled SP'),
    ('rfc9051', 3169): ('~', 'the RFC example has a doubled SP'),
    ('rfc9051', 3595): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc9051', 3596): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc9051', 3607): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 3621): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4166): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4167): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4168): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4179): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4180): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4181): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4466): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4467): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4468): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 4723): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc9051', 5062): ('~', 'the RFC shows "[CODE]" without the SP (and text) RFC 9051 resp-text requires'),
    ('rfc9051', 6233): ('! invalid_syntax', 'the RFC folds the ENVELOPE after "(" and between addresses; the extractor joins with SP, which the grammar does not allow there'),
    ('rfc3501', 4447): ('! invalid_syntax', 'the RFC folds the ENVELOPE between two addresses; the extractor joins with SP, which an address list does not allow'),
    ('rfc8970', 300): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc8970', 302): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc8970', 304): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc8970', 306): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9208', 268): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9208', 301): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9208', 352): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9208', 407): ('! invalid_syntax', 'the RFC abbreviates the response'),
    ('rfc9051', 3154): ('! strict_violation', 'the RFC wraps the line between namespace-descrs, and folding puts SP there (lenient mode reads it)'),
    ('rfc9394', 294): ('~', 'the RFC has SP before ")" in a flag list (the SurgeMail quirk)'),
}

# RFC lines that are prose or elisions, not server messages.
SKIP_TEXT = re.compile(r"^\s*(\.\.\.|\[\.\.\.\])")


def messages(group, rfc, warn):
    out = []
    i = 0
    while i < len(group):
        ln, who, text = group[i]
        i += 1
        if who != "S":
            continue
        text = text.lstrip(" ")  # some examples align their text with extra spaces
        if SKIP_TEXT.match(text) or not text.strip():
            continue
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
            while len(buf) < need and i < len(group):
                l2, w2, t2 = group[i]
                i += 1
                if w2 != "S":
                    continue
                buf += t2.lstrip(" ").encode("utf-8") + b"\r\n"
            if len(buf) < need:
                notes.append("! invalid_syntax the RFC does not show the literal's data")
                warn.append(f"{rfc} L{ln}: literal short")
                break
            payload, rest = buf[:need], buf[need:]
            if rest == b"":
                line = ""
                msg += payload
                if i < len(group) and group[i][1] == "S":
                    line = group[i][2].lstrip(" ")
                    i += 1
                    msg += line.encode("utf-8")
                continue
            line = rest[:-2].decode("utf-8")
            msg += payload + line.encode("utf-8")
        out.append((ln, msg.decode("utf-8", errors="replace"), notes))
    return out


def main():
    rfc_dir, out_dir = sys.argv[1], sys.argv[2]
    warn = []
    total = 0
    for rfc in dict.fromkeys(ec.RFCS + ["rfc2087", "rfc2221", "rfc5465", "rfc5466", "rfc5530", "rfc6203", "rfc7377",
                          "rfc5267", "rfc5255", "rfc4469", "rfc2193", "rfc2088", "rfc3348", "rfc4978"]):
        path = os.path.join(rfc_dir, rfc + ".txt")
        if not os.path.exists(path):
            continue
        lines = ec.read_lines(path)
        entries = []
        for group in ec.examples(lines):
            entries.extend(messages(group, rfc, warn))
        if not entries:
            continue
        out_path = os.path.join(out_dir, f"responses-{rfc}.txt")
        with open(out_path, "w", encoding="utf-8", newline="\n") as f:
            f.write(f"# Server response examples (S: lines) of {rfc.upper()}, one message per entry.\n")
            f.write("# Generated by extract_responses.py from /work/shared/rfc; see its docstring for the format.\n")
            for ln, msg, notes in entries:
                f.write(f"\n@ {rfc} L{ln}\n")
                for note in notes:
                    f.write(note + "\n")
                n = NOTES.get((rfc, ln))
                if n and not notes:
                    f.write(f"{n[0]} {n[1]}\n")
                for line in msg[:-2].split("\r\n"):
                    f.write(f"> {line}\n")
        total += len(entries)
        print(f"{rfc}: {len(entries)} responses")
    for w in warn:
        print("warning:", w, file=sys.stderr)
    print(f"total: {total}")


if __name__ == "__main__":
    main()
