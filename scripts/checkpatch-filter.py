#!/usr/bin/env python3
"""Drop the checkpatch reports that are known false positives or justified
exceptions, keep the rest.  With --justify, print the exceptions that
fired (one line each, with the reason) on stderr: the cover letter lists
them (scripts/lint.sh collects them).

False positives, imposed by other code:
 - kselftest_harness.h spells a fixture's types FIXTURE_DATA(name) and
   FIXTURE_VARIANT(name); checkpatch reads the '*' after them as a
   multiplication (CHECK:SPACING, as in upstream's own selftests);
 - libFuzzer requires the entry point LLVMFuzzerTestOneInput, and C11's
   keyword is _Static_assert (CHECK:CAMELCASE).

Justified exceptions, by path prefix (userspace code under tools/testing):
see EXCEPTIONS.
"""
import re
import sys

# (path regex, matched from the start; checkpatch types; reason)
EXCEPTIONS = [
    ('tools/testing/tun_rss/shim/',
     {'MACRO_ARG_REUSE', 'MACRO_ARG_PRECEDENCE', 'NEW_TYPEDEFS'},
     "the shim re-creates kernel macros and types (struct_size, "
     "offsetofend, gfp_t) for userspace with the kernel's own definitions"),
    ('tools/testing/tun_rss/bench/',
     {'MACRO_ARG_REUSE', 'MACRO_ARG_PRECEDENCE', 'MULTIPLE_ASSIGNMENTS'},
     "baseline hashes (jhash, SipHash) keep the structure of "
     "include/linux/jhash.h and lib/siphash.c, which draw the same reports"),
    ('tools/testing/tun_rss/bench/',
     {'PREFER_DEFINED_ATTRIBUTE_MACRO', 'VOLATILE',
      'MACRO_WITH_FLOW_CONTROL', 'EMBEDDED_FUNCTION_NAME'},
     "userspace benchmark: no __aligned/__printf/noinline without the "
     "kernel's compiler headers, a volatile sink keeps the measured work, "
     "case-generating macros return errors from the generated functions"),
    ('tools/testing/selftests/drivers/net/tun_rss/',
     {'MACRO_ARG_REUSE', 'PREFER_DEFINED_ATTRIBUTE_MACRO'},
     "attribute iterators shaped like include/net/netlink.h's "
     "nla_for_each_attr; the fallback definitions of __printf and "
     "__aligned themselves (userspace has neither)"),
    ('tools/testing/',
     {'LONG_LINE_STRING'},
     "user-visible strings (test diagnostics, tables) are not split, as "
     "Documentation/process/coding-style.rst asks"),
    (r'tools/testing/selftests/drivers/net/tun_rss/[^/]*\.sh$',
     {'LONG_LINE', 'LONG_LINE_COMMENT', 'LONG_LINE_STRING'},
     "shell tests: a YNL request or an expected JSON/text line kept whole "
     "on one line, as in the net selftests' shell scripts"),
]


def path_of(block):
    m = re.search(r'FILE: (\S+?):\d+:', block)
    if not m:
        return ''
    p = m.group(1)
    i = p.find('tools/testing/')
    return p[i:] if i >= 0 else p


def kind_of(block):
    m = re.search(r'^(?:ERROR|WARNING|CHECK):([A-Z0-9_]+):', block, re.M)
    return m.group(1) if m else ''


justify = '--justify' in sys.argv[1:]
blocks = sys.stdin.read().split('\n\n')
for b in blocks:
    if 'CHECK:SPACING' in b and ('FIXTURE_DATA(' in b or
                                 'FIXTURE_VARIANT(' in b):
        continue
    if 'CHECK:CAMELCASE' in b and ('LLVMFuzzerTestOneInput' in b or
                                   '_Static_assert' in b):
        continue
    path, kind = path_of(b), kind_of(b)
    hit = [r for pre, kinds, r in EXCEPTIONS
           if kind in kinds and re.match(pre, path)]
    if hit:
        if justify:
            print(f'{path}: {kind}: {hit[0]}', file=sys.stderr)
        continue
    if b.strip():
        print(b + '\n')
