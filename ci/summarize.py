#!/usr/bin/env python3
"""Prints "N passed, N failed" for a meson test log.

A TAP test counts once per "ok"/"not ok" line it printed; any other test
counts once, by its result. Skipped tests are listed as skipped."""
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')
PLAN = re.compile(r'^1\.\.\d+', re.M)


def main(path):
    passed = failed = skipped = 0
    with open(path) as log:
        for line in log:
            test = json.loads(line)
            result = test['result']
            points = [TAP.match(l) for l in test.get('stdout', '').splitlines()]
            points = [m for m in points if m]
            # Meson 1.0 logs no protocol: a TAP test is one that printed a plan.
            if points and PLAN.search(test.get('stdout', '')):
                for m in points:
                    if '# SKIP' in m.group(2):
                        skipped += 1
                    elif m.group(1) == 'ok':
                        passed += 1
                    else:
                        failed += 1
                if result not in ('OK', 'EXPECTEDFAIL') and all(m.group(1) == 'ok' for m in points):
                    failed += 1  # the runner itself failed (crash, timeout)
            elif result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif result == 'SKIP':
                skipped += 1
            else:
                failed += 1
    line = f'{passed} passed, {failed} failed'
    if skipped:
        line += f', {skipped} skipped'
    print(line)


if __name__ == '__main__':
    main(sys.argv[1])
