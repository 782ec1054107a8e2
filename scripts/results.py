#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The one judge of a test run: count the results, print the verdict.

    results.py [--expected FILE] [--skips FILE]
               [--host FILE]... [[--prefix P] --flavor F --qemu LOG]...
               [--status NAME=RC]...

--host FILE: lines "ok N NAME", "not ok N NAME" or "ok N NAME # SKIP why",
    as scripts/host-checks.sh writes them (flavor "host" for the skips).
--qemu LOG: a serial log of scripts/qemu-run.sh -m check, judged for the
    kernel FLAVOR (task_isolation, task_isolation_debug, tree-mainline,
    deb...) given by the last --flavor. Each kselftest binary's TAP output
    sits between "TI-BEGIN: name" and "TI-END: name rc=N".
--prefix P: put P before the names of the results of every later --host or
    --qemu (for example "debug: " for the debug kernel's run).
--kernel-log LOG: only look for kernel splats in LOG (a demo or bench run).
--status NAME=RC: the exit status of a phase of the run (a build, QEMU,
    the host checks). It is printed, and a nonzero one is a failure, so that
    a count from a run that failed for another reason never reads as green.
--expected FILE (default tests/kselftest/expected.txt): the kselftest
    binaries each run must report, per flavor.
--skips FILE (default tests/kselftest/skips.txt): the skips that are
    allowed, per flavor, each with its reason.

A QEMU log fails the run for each of these:
  * an expected binary that never started (missing from the initramfs) or
    never finished (crash, hang, time-out), or one that is not expected;
  * a binary without a "1..N" plan, or whose results do not match it (it
    ended early); a binary that exited nonzero without a failed test;
  * a "not ok" result, or a skip that skips.txt does not allow;
  * a kernel splat anywhere in the log (BUG, WARNING, Oops, KASAN, UBSAN,
    lockdep, RCU stall, kmemleak, a bare "Call Trace:"): the only exemption
    is the stack that warn_alloc() prints after an allocation failure, and
    only inside a binary that injects such failures (FAULT_INJECTORS);
  * a log without the final "TI-EXIT:" sentinel.

Prints every failure and skip, the expected set, a verdict line, then
"N passed, N failed, N skipped" as the last line; exits 1 if anything
failed or nothing ran.
"""
import fnmatch
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAP = re.compile(r'^(not ok|ok) \d+ (.*?)(?: # (SKIP|XFAIL)\b(.*))?$')
PLAN = re.compile(r'^1\.\.(\d+)(?:\s*#\s*SKIP\b(.*))?$')
END = re.compile(r'^TI-END: (\S+) rc=(\d+)$')
# The kernel's runner (run_kselftest.sh) announces each binary so.
RUNNER = re.compile(r'^# selftests: ([^:\s]+): (\S+)$')

# The kernel reports these, and nothing else prints them on the console.
SPLAT = re.compile(
    r'BUG:|WARNING:|Oops|Kernel panic|KASAN:|UBSAN:|'
    r'kmemleak: [0-9]+ new suspected|possible circular locking|'
    r'possible recursive locking|inconsistent lock state|'
    r'INFO: rcu_.* detected stalls|rcu: INFO:|self-detected stall|'
    r'general protection fault|Call Trace:')
# warn_alloc()'s report of a failed allocation: its stack is expected
# where failures are injected on purpose, nowhere else.
ALLOC_FAILURE = re.compile(r'vmalloc error: |page allocation failure: ')
FAULT_INJECTORS = {'task_isolation:isol_fault'}


class Tally:
    def __init__(self, skips):
        self.passed = self.failed = self.skipped = 0
        self.notes = []
        self.skips = skips
        self.expected = 0

    def add(self, status, name, why='', flavor=None, bare=None):
        why = why.strip()
        if status == 'skip' and flavor is not None:
            reason = self.allowed_skip(flavor, bare or name)
            if reason is None:
                status, why = 'fail', f'skip not in the allow-list for {flavor}: {why}'
            else:
                why = f'{why} (allowed: {reason})'
        if status == 'pass':
            self.passed += 1
        elif status == 'skip':
            self.skipped += 1
            self.notes.append(f'SKIP {name}: {why}')
        else:
            self.failed += 1
            self.notes.append(f'FAIL {name}{": " + why if why else ""}')

    def allowed_skip(self, flavor, name):
        for fglob, nglob, reason in self.skips:
            if fnmatch.fnmatchcase(flavor, fglob) and fnmatch.fnmatchcase(name, nglob):
                return reason
        return None


def read_table(path, min_fields):
    """Lines of tab-separated fields (test names hold spaces), '#'
    comments; the rest of the line after min_fields - 1 fields is kept as
    the last field."""
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            fields = re.split(r'\t+', line, maxsplit=max(min_fields - 1, 1))
            if len(fields) < min_fields:
                sys.exit(f'{path}:{n}: expected at least {min_fields} fields: {line!r}')
            rows.append(fields)
    return rows


def expected_for(table, flavor):
    """The binaries that a run on FLAVOR must report, in order."""
    names = []
    for row in table:
        flavors = row[1].split() if len(row) > 1 else ['*']
        if any(fnmatch.fnmatchcase(flavor, g) for g in flavors):
            names.append(row[0])
    return names


def tap(line):
    m = TAP.match(line)
    if not m:
        return None
    verdict, name, directive, why = m.groups()
    if directive == 'SKIP':
        return 'skip', name, why or ''
    return ('pass' if verdict == 'ok' else 'fail'), name, ''


def host(t, path, prefix=''):
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        t.add('fail', prefix + 'host checks', f'no results: {e}')
        return
    n = 0
    for line in lines:
        r = tap(line)
        if r:
            n += 1
            t.add(r[0], prefix + 'host: ' + r[1], r[2], 'host', r[1])
    if n == 0:
        t.add('fail', prefix + 'host checks', f'{path} holds no result')


class Binary:
    """One TI-BEGIN/TI-END block."""

    def __init__(self, name):
        self.name = name
        self.plan = None
        self.plan_skip = None
        self.results = []
        self.rc = None


def parse_log(lines):
    """The binaries of a log in order, and the splats outside exemptions."""
    binaries, splats = [], []
    cur = None
    runner = None  # the binary the kernel's run_kselftest.sh runs now
    alloc_line = None
    for i, line in enumerate(lines):
        m = RUNNER.match(line)
        if m:
            runner = m.group(1) + ':' + m.group(2)
        if line.startswith('TI-BEGIN: '):
            cur = Binary(line[len('TI-BEGIN: '):].strip())
            binaries.append(cur)
            continue
        m = END.match(line)
        if m and cur and m.group(1) == cur.name:
            cur.rc = int(m.group(2))
            cur = None
            continue
        if ALLOC_FAILURE.search(line):
            where = cur.name if cur else runner
            alloc_line = i if where in FAULT_INJECTORS else None
        if SPLAT.search(line):
            exempt = ('Call Trace:' in line and alloc_line is not None and
                      i - alloc_line <= 3 and not SPLAT.search(line.replace('Call Trace:', '')))
            if not exempt:
                splats.append((cur.name if cur else None, line.strip()))
            continue
        if cur is None:
            continue
        p = PLAN.match(line)
        if p and cur.plan is None:
            cur.plan = int(p.group(1))
            cur.plan_skip = p.group(2)
            continue
        r = tap(line)
        if r:
            cur.results.append(r)
    return binaries, splats


def qemu(t, path, flavor, expected, prefix=''):
    try:
        lines = open(path, errors='replace').read().splitlines()
    except OSError as e:
        t.add('fail', prefix + path, f'no log: {e}')
        return
    binaries, splats = parse_log(lines)
    want = expected_for(expected, flavor)
    t.expected += len(want)
    seen = {b.name for b in binaries}
    for name in want:
        if name not in seen:
            t.add('fail', prefix + name, 'expected but never started (missing from the initramfs, '
                  'or the run ended before it)')
    for b in binaries:
        label = prefix + b.name
        if b.name not in want:
            t.add('fail', label, f'ran but is not expected for {flavor} (tests/kselftest/expected.txt)')
        for status, name, why in b.results:
            t.add(status, f'{label}: {name}', why, flavor, f'{b.name}: {name}')
        failed_inside = any(r[0] == 'fail' for r in b.results)
        if b.rc is None:
            t.add('fail', label, 'never finished (crash, hang or time-out)')
            continue
        if b.plan is None:
            t.add('fail', label, 'no TAP plan "1..N": ended before it started testing')
        elif b.plan == 0 and b.plan_skip is not None:
            # A whole binary skipped (KSFT_SKIP): one skip, allowed or not.
            t.add('skip', label, b.plan_skip, flavor, b.name)
            if b.rc not in (0, 4):
                t.add('fail', label, f'skipped but exited with {b.rc}')
            continue
        elif len(b.results) != b.plan:
            t.add('fail', label, f'plan 1..{b.plan} but {len(b.results)} results: ended early')
        if b.rc != 0 and not failed_inside:
            t.add('fail', label, f'exited with {b.rc} without a failed test')
    for where, line in splats:
        t.add('fail', prefix + (where or 'kernel'), f'kernel log: {line}')
    if not any(l.startswith('TI-EXIT: ') for l in lines):
        t.add('fail', prefix + path, 'no TI-EXIT sentinel: the guest panicked, hung or was killed')


def main(argv):
    args = list(argv)
    opts = {'--expected': os.path.join(TOP, 'tests/kselftest/expected.txt'),
            '--skips': os.path.join(TOP, 'tests/kselftest/skips.txt')}
    for k in list(opts):
        while k in args:
            i = args.index(k)
            if i + 1 >= len(args):
                sys.exit(f'results.py: {k} needs a file')
            opts[k] = args[i + 1]
            del args[i:i + 2]
    try:
        skips = read_table(opts['--skips'], 3)
        # "NAME [FLAVOR-GLOB...]": the globs stay one field.
        expected = read_table(opts['--expected'], 1)
    except OSError as e:
        sys.exit(f'results.py: {e}')
    t = Tally(skips)
    statuses = []
    it = iter(args)
    prefix, flavor = '', 'task_isolation'
    for arg in it:
        try:
            if arg == '--host':
                host(t, next(it), prefix)
            elif arg == '--qemu':
                qemu(t, next(it), flavor, expected, prefix)
            elif arg == '--prefix':
                prefix = next(it)
            elif arg == '--flavor':
                flavor = next(it)
            elif arg == '--kernel-log':
                # Only the splats, for a log that holds no test (make demo,
                # make bench): the same rules as for a --qemu log.
                path = next(it)
                for where, line in parse_log(open(path, errors='replace').read().splitlines())[1]:
                    t.add('fail', prefix + (where or 'kernel'), f'kernel log: {line}')
                t.passed += 1
            elif arg == '--status':
                name, _, rc = next(it).rpartition('=')
                if not name or not rc.isdigit():
                    sys.exit('results.py: --status takes NAME=RC')
                statuses.append((name, int(rc)))
            else:
                sys.exit(f'results.py: bad argument {arg!r} (see the header of {sys.argv[0]})')
        except StopIteration:
            sys.exit(f'results.py: {arg} needs a value')
    for name, rc in statuses:
        if rc != 0:
            t.add('fail', f'phase {name}', f'exited with {rc}')
    for n in t.notes:
        print(n)
    ran = t.passed + t.failed
    if t.expected:
        print(f'expected: {t.expected} kselftest binaries; every result is checked against its 1..N plan')
    if statuses:
        print('exit status: ' + ', '.join(f'{n} {rc}' for n, rc in statuses))
    ok = t.failed == 0 and ran > 0
    print(f'verdict: {"PASS" if ok else "FAIL"}')
    print(f'{t.passed} passed, {t.failed} failed, {t.skipped} skipped')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
