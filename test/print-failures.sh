#!/usr/bin/env bash
# After a failed `tap` run: the failing assertions again, at the end of the output, where a CI
# log's tail shows them (tap prints them in place, among ten thousand passing ones). The last
# lines list every failing assertion by name, innermost last, since a tail may show only those.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=$(grep -rlE '^\s*not ok' .tap/test-results 2>/dev/null | sort)
echo "# failed tests (from .tap/test-results):"
for file in $failed; do
  echo "## ${file#.tap/test-results/}"
  grep -nE -A30 '^\s*not ok' "$file" | head -120
done
echo "# failing assertions, one per line:"
for file in $failed; do
  grep -E '^\s*not ok' "$file" | tac | sed -E "s|^\s*|${file#.tap/test-results/}: |"
done
