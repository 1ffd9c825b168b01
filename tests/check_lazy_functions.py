#!/usr/bin/env python3
"""Fails when a namespace-scope function in include/mailwire/imap or include/mailwire/pop3 is
defined `inline` or `constexpr` without MAILWIRE_LAZY (docs/ARCHITECTURE.md, "Header cost":
such a body instantiates what it uses in every unit that includes the header).

   python3 tests/check_lazy_functions.py [INCLUDE_DIR]

Operators, out-of-class member definitions, variables and functions that are already
templates are not concerned.
"""
import pathlib
import re
import sys

COMMENT = re.compile(r'//[^\n]*|/\*.*?\*/', re.S)
LEADING = re.compile(r'(?:\s+|//[^\n]*\n|/\*.*?\*/)*', re.S)


def statements(text):
    """(start, text) of each statement or declaration head at namespace scope."""
    i, n = 0, len(text)
    stack = []  # 'ns', 'other' or 'init' (a braced initializer)
    start = 0
    found = []
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
            continue
        if text.startswith('/*', i):
            j = text.find('*/', i)
            i = n if j < 0 else j + 2
            continue
        if c in '"\'':
            if c == '"' and i > 0 and text[i - 1] == 'R':
                m = re.match(r'R"([^(]*)\(', text[i - 1:])
                end = text.find(')' + m.group(1) + '"', i)
                i = end + len(m.group(1)) + 2
                continue
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            continue
        if c == '#' and text[text.rfind('\n', 0, i) + 1:i].strip() == '':
            while True:  # a preprocessor line, continuations included
                j = text.find('\n', i)
                if j < 0 or text[j - 1] != '\\':
                    i = n if j < 0 else j
                    break
                i = j + 1
            start = i
            continue
        at_namespace_scope = all(s == 'ns' for s in stack)
        if c == '{':
            head = COMMENT.sub('', text[start:i])
            if re.search(r'(?:[=(,{]|\breturn)\s*$', head):
                stack.append('init')
            else:
                if at_namespace_scope:
                    found.append((start, text[start:i], '{'))
                is_ns = re.search(r'\bnamespace\b[^;]*$', head) or re.search(r'extern\s+"C\+\+"\s*$', head)
                stack.append('ns' if is_ns else 'other')
                start = i + 1
        elif c == '}':
            if stack.pop() != 'init':
                start = i + 1
        elif c == ';' and not (stack and stack[-1] == 'init'):
            if at_namespace_scope:
                found.append((start, text[start:i], ';'))
            start = i + 1
        i += 1
    return found


def eager_functions(text):
    """(line, head) of each namespace-scope inline/constexpr function without MAILWIRE_LAZY."""
    for start, stmt, _ in statements(text):
        lead = LEADING.match(stmt).end()
        body = stmt[lead:]
        if not re.match(r'(\[\[nodiscard\]\]\s+)?(inline|constexpr)\b', body) or '(' not in body:
            continue
        head = COMMENT.sub('', body).split('(')[0]
        if '=' in head or re.search(r'\b(friend|operator)\b', head):
            continue  # a variable, a friend or an operator
        name = re.search(r'([A-Za-z_][\w:]*)\s*$', head)
        if not name or '::' in name.group(1):
            continue  # an out-of-class member definition
        if re.search(r'=\s*(delete|default)\s*$', body):
            continue
        before = text[:start + lead].rstrip().split('\n')[-1].strip()
        if before.startswith('template'):
            continue
        yield text.count('\n', 0, start + lead) + 1, ' '.join(head.split())


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1
                        else pathlib.Path(__file__).resolve().parent.parent / 'include')
    bad = files = lazy = 0
    for sub in ('mailwire/imap', 'mailwire/pop3'):
        for path in sorted((root / sub).rglob('*.hpp')):
            files += 1
            text = path.read_text(encoding='utf-8')
            lazy += len(re.findall(r'\bMAILWIRE_LAZY(?:_DEFINITION)?\b', text))
            for line, head in eager_functions(text):
                bad += 1
                print(f'{path}:{line}: namespace-scope function without MAILWIRE_LAZY: {head}')
    print(f'check_lazy_functions: {files} headers, {lazy} MAILWIRE_LAZY functions, {bad} eager')
    return 1 if bad or files == 0 or lazy == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
