#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count test results and print the closing summary line.

    results.py [--host FILE]... [--qemu LOG]... [--prefix P --qemu LOG]...

--host FILE: lines "ok NAME", "not ok NAME" or "ok NAME # SKIP why", as the
    host-side checks write them.
--qemu LOG: a serial log of scripts/qemu-run.sh -m check. Each kselftest
    binary's TAP output sits between "TI-BEGIN: name" and "TI-END: name
    rc=N". A binary that failed without reporting a failed test, or never
    reached TI-END (crash, hang), counts as one failure; so does a log
    without the final "TI-EXIT:" sentinel.
--prefix P: put P before the names of the results of every later --host or
    --qemu (for example "debug: " for the debug kernel's run).

Prints every failure and skip, then "N passed, N failed, N skipped"; exits
1 if anything failed or nothing ran.
"""
import re
import sys

TAP = re.compile(r'^(not ok|ok) \d+ (.*?)(?: # (SKIP|XFAIL)\b(.*))?$')


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.notes = []

    def add(self, status, name, why=''):
        if status == 'pass':
            self.passed += 1
        elif status == 'skip':
            self.skipped += 1
            self.notes.append(f'SKIP {name}: {why.strip()}')
        else:
            self.failed += 1
            self.notes.append(f'FAIL {name}{": " + why if why else ""}')


def tap_line(t, prefix, line):
    m = TAP.match(line)
    if not m:
        return None
    verdict, name, directive, why = m.groups()
    if directive == 'SKIP':
        t.add('skip', prefix + name, why or '')
    elif verdict == 'ok':
        t.add('pass', prefix + name)
    else:
        t.add('fail', prefix + name)
    return verdict


def host(t, path, prefix=''):
    with open(path) as f:
        for line in f:
            tap_line(t, prefix + 'host: ', line.rstrip('\n'))


def qemu(t, path, prefix=''):
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError as e:
        t.add('fail', prefix + path, f'no log: {e}')
        return
    current, failed_inside = None, False
    for line in lines:
        if line.startswith('TI-BEGIN: '):
            current, failed_inside = prefix + line[len('TI-BEGIN: '):].strip(), False
            continue
        m = re.match(r'^TI-END: (\S+) rc=(\d+)$', line)
        if m and current:
            if m.group(2) != '0' and not failed_inside:
                t.add('fail', current, f'exited with {m.group(2)} without a failed test')
            current = None
            continue
        if current and tap_line(t, current + ': ', line) == 'not ok':
            failed_inside = True
    if current:
        t.add('fail', current, 'never finished (crash, hang or time-out)')
    if not any(l.startswith('TI-EXIT: ') for l in lines):
        t.add('fail', prefix + path, 'no TI-EXIT sentinel: the guest panicked, hung or was killed')


def main(argv):
    t = Tally()
    it = iter(argv)
    prefix = ''
    for arg in it:
        if arg == '--host':
            host(t, next(it), prefix)
        elif arg == '--qemu':
            qemu(t, next(it), prefix)
        elif arg == '--prefix':
            prefix = next(it)
        else:
            sys.exit(f'usage: results.py [--host FILE]... [--qemu LOG]... [--prefix P] (bad argument {arg!r})')
    for n in t.notes:
        print(n)
    ran = t.passed + t.failed
    print(f'{t.passed} passed, {t.failed} failed, {t.skipped} skipped')
    return 1 if t.failed or ran == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
