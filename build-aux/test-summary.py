#!/usr/bin/env python3
"""Prints the closing line CI reads, "N passed, N failed[, N skipped]", from meson's test log.

Counts FAIL, ERROR, TIMEOUT and UNEXPECTEDPASS as failed. A TAP test counts each of its
subtests; a test that ran none counts once. Exits 1 when any failed or when nothing ran.
"""
import json
import sys

FAILED = {"FAIL", "ERROR", "TIMEOUT", "UNEXPECTEDPASS"}


def count_tap(stdout):
    passed = failed = skipped = 0
    for line in (stdout or "").splitlines():
        if line.startswith("ok "):
            if "# SKIP" in line:
                skipped += 1
            else:
                passed += 1
        elif line.startswith("not ok "):
            if "# TODO" in line:
                continue
            failed += 1
    return passed, failed, skipped


def main(path):
    passed = failed = skipped = 0
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                t = json.loads(line)
                result = t.get("result")
                # meson 1.0 does not log the protocol: TAP output speaks for itself.
                p, fl, s = count_tap(t.get("stdout"))
                if result in FAILED:
                    failed += max(fl, 1)
                    passed += p
                elif result == "SKIP":
                    skipped += max(s, 1)
                elif p + fl + s > 0:
                    passed += p
                    failed += fl
                    skipped += s
                else:
                    passed += 1
    except FileNotFoundError:
        print(f"no test log at {path}", file=sys.stderr)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/meson-logs/testlog.json"))
