#!/usr/bin/env python3
"""Count results in (nested) TAP/KTAP streams.

Reads one or more files, each holding TAP from kselftest's runner
(nesting shown by "# " prefixes), KUnit's KTAP (nesting by indentation,
possibly behind printk timestamps) or a plain TAP test program.  Only leaf
results are counted, so a suite line does not count on top of its cases.
Prints every failure and every skip with its reason, then one line:
"N passed, N failed, N skipped".  Exit status is non-zero on any failure
or when a stream holds no results at all (a test that did not run must
not read as a pass).

usage: tap-summary.py [--label NAME FILE]... [--write-counts F]
"""
import re
import sys

RESULT = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*-?\s*(.*)$')
TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')


def depth_and_body(line, ktap):
    line = TS.sub('', line.rstrip('\n'))
    d = 0
    if ktap:
        stripped = line.lstrip(' ')
        d = (len(line) - len(stripped)) // 4
        return d, stripped
    while line.startswith('# '):
        line = line[2:]
        d += 1
    return d, line.lstrip(' ')


def parse(label, path, ktap):
    leaves = []
    seen_child = {}
    try:
        lines = open(path, errors='replace').readlines()
    except OSError as e:
        return [('fail', label, f'cannot read results: {e}')]
    for raw in lines:
        d, body = depth_and_body(raw, ktap)
        m = RESULT.match(body)
        if not m:
            continue
        verdict, _, desc = m.groups()
        leaf = not seen_child.get(d + 1, False)
        seen_child[d + 1] = False
        seen_child[d] = True
        if not leaf:
            continue
        name, _, directive = desc.partition('#')
        directive = directive.strip()
        name = f'{label}: {name.strip()}'
        if directive.upper().startswith('SKIP'):
            reason = directive[4:].strip() or 'no reason given'
            leaves.append(('skip', name, reason))
        elif verdict == 'ok':
            leaves.append(('pass', name, ''))
        else:
            leaves.append(('fail', name, directive))
    if not leaves:
        leaves.append(('fail', f'{label}: (no results)', 'stream holds no TAP results'))
    return leaves


def main(argv):
    results = []
    i = 0
    while i < len(argv):
        if argv[i] in ('--label', '--ktap'):
            ktap = argv[i] == '--ktap'
            results += parse(argv[i + 1], argv[i + 2], ktap)
            i += 3
        else:
            sys.exit(f'usage: {__doc__}')
    n = {'pass': 0, 'fail': 0, 'skip': 0}
    for kind, name, why in results:
        n[kind] += 1
        if kind == 'fail':
            print(f'FAIL  {name}' + (f'  ({why})' if why else ''))
        elif kind == 'skip':
            print(f'SKIP  {name}  ({why})')
    print(f"{n['pass']} passed, {n['fail']} failed, {n['skip']} skipped")
    return 1 if n['fail'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
