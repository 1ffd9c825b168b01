#!/usr/bin/env python3
"""Fails when a TEST_CASE name holds a character that Catch2's test-spec syntax reads
specially: [ ] * " \\ ; or a leading ~ (see tests/README.md).

   python3 tests/check_test_names.py [TESTS_DIR]
"""
import pathlib
import re
import sys

FORBIDDEN = set('[]*"\\;')
NAME = re.compile(r'TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"')


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent)
    bad = checked = 0
    for path in sorted(root.rglob('*.cpp')):
        for number, line in enumerate(path.read_text(encoding='utf-8', errors='replace').splitlines(), 1):
            for match in NAME.finditer(line):
                checked += 1
                raw = match.group(1)
                # The name as the compiler sees it: "\\*" is a backslash and a star.
                name = re.sub(r'\\(.)', r'\1', raw)
                if set(name) & FORBIDDEN or name.startswith('~'):
                    bad += 1
                    print(f'{path}:{number}: test name with one of [ ] * " \\ ; or a leading ~: {name}')
    print(f'check_test_names: {checked} TEST_CASE names, {bad} unsafe')
    return 1 if bad or checked == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
