#!/usr/bin/env python3
"""Fill the cover letter git format-patch wrote (0000-cover-letter.patch):
subject and blurb from kernel-patches/cover-letter.txt, then what the
build last measured: the benchmark goals (bench/RESULTS.md, newest
section), the last `make check` summary (build/results/summary), the
checkpatch exceptions the last `make lint` accepted, each with its reason
(build/lint-exceptions.txt), and the last `make bisect-check`
(kernel-patches/bisect-check.log)."""
import os
import re
import sys
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
path = sys.argv[1]


def read(rel):
    try:
        with open(os.path.join(top, rel)) as f:
            return f.read()
    except OSError:
        return None


def stamp(rel):
    t = os.path.getmtime(os.path.join(top, rel))
    return time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(t))


src = read('kernel-patches/cover-letter.txt').rstrip('\n').split('\n')
subject, body = src[0], '\n'.join(src[2:])
parts = [body]

res = read('bench/RESULTS.md')
if res:
    sections = re.split(r'^## ', res, flags=re.M)
    last = sections[-1]
    title = last.split('\n', 1)[0]
    tables = []
    for block in re.split(r'\n\s*\n', last):
        lines = [ln for ln in block.strip().split('\n') if ln.startswith('|')]
        if lines and re.search(r'goal|frames/s|pps', lines[0], re.I):
            tables.append('\n'.join(lines))
    if tables:
        parts.append('Numbers (bench/RESULTS.md, ' + title + ')\n' +
                     '-' * 40 + '\n' + '\n\n'.join(tables))

summ = read('build/results/summary')
if summ:
    parts.append('Tests (make check, ' + stamp('build/results/summary') +
                 ')\n' + '-' * 40 + '\n' +
                 'Userspace unit tests and libFuzzer runs on the engine, KUnit\n'
                 'and the kselftests (drivers/net/tun_rss, net/tun) in the\n'
                 'patched UML kernel; KUnit, the concurrency tests and devlink\n'
                 '(with tx_maxrate) again in an SMP x86_64 guest (qemu, 2\n'
                 'vCPUs); both kernels with KASAN, lockdep and kmemleak, and\n'
                 'any splat or leak fails the run:\n' +
                 summ.strip())

exc = read('build/lint-exceptions.txt')
if exc is not None:
    lines = sorted(set(exc.strip().split('\n'))) if exc.strip() else []
    parts.append('Checkpatch (--strict --codespell): ' +
                 ('clean' if not lines else
                  'remaining reports, each justified') + '\n' +
                 '-' * 40 + ('\n' + '\n'.join(' ' + ln for ln in lines)
                             if lines else ''))

bis = read('kernel-patches/bisect-check.log')
if bis:
    ok = len(re.findall(r'^ok ', bis, re.M))
    bad = len(re.findall(r'^not ok ', bis, re.M))
    head = bis.split('\n', 1)[0].lstrip('# ')
    parts.append('Bisectability (' + head + ')\n' + '-' * 40 + '\n' +
                 f'{ok} commits build, {bad} do not.')

with open(path) as f:
    cover = f.read()
cover = cover.replace('*** SUBJECT HERE ***', subject, 1)
cover = cover.replace('*** BLURB HERE ***', '\n\n'.join(parts), 1)
with open(path, 'w') as f:
    f.write(cover)
