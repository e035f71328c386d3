#!/bin/sh
# Used as $BROWSER by CLIs under test. It must return at once: the CLI waits for its callback.
echo "$1" >> "${ENCLAVIA_BROWSER_LOG:-/dev/null}"
"$ENCLAVIA_TSX" "$(dirname "$0")/consent-cli.ts" "$1" >> "${ENCLAVIA_BROWSER_LOG:-/dev/null}" 2>&1 &
exit 0
