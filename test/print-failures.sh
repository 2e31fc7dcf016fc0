#!/usr/bin/env bash
# After a failed `tap` run: the failing assertions again, at the end of the output, where a CI
# log's tail shows them (tap prints them in place, among ten thousand passing ones).
set -uo pipefail
cd "$(dirname "$0")/.."
echo "# failed tests (from .tap/test-results):"
grep -rlE '^\s*not ok' .tap/test-results 2>/dev/null | sort | while read -r file; do
  echo "## ${file#.tap/test-results/}"
  grep -nE -A30 '^\s*not ok' "$file" | head -120
done
