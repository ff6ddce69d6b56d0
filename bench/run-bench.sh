#!/usr/bin/env bash
# `ninja bench`: the store, search, filter and start-up figures (frontdesk-bench), then the
# sync figures (frontdesk-bench-sync, which keeps its session in a keyring and so runs under the
# headless wrapper). Usage: run-bench.sh HEADLESS-RUN SYNC-BENCH -- FRONTDESK-BENCH [ARGS…]
set -u
headless=$1
sync_bench=$2
shift 3

"$@"
status=$?

"$headless" "$sync_bench" "${FRONTDESK_BENCH_SYNC_MESSAGES:-100000}" 2>/dev/null
exit "$status"
