#!/bin/sh
# Type check and lint side by side (each uses one core), before Jest in `npm test`. Both always run and print
# their findings; the exit status is non-zero when either fails.
tsc -p tsconfig.json &
tsc_pid=$!
eslint .
lint=$?
wait "$tsc_pid"
tsc=$?
[ "$tsc" -eq 0 ] && [ "$lint" -eq 0 ]
