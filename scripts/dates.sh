#!/usr/bin/env bash
# The date-sensitive tests (payroll, Deputy time, the timesheet roll-up, the dashboard) run as if the machine's
# clock said another day: each date under faketime, at 10:00, then once on the real clock. One line per date;
# exits non-zero if any run fails, and then shows the end of its log.
#
#   scripts/dates.sh                  the default dates below, then today
#   scripts/dates.sh 2030-01-01 ...   those dates, then today
#
# faketime is the Debian/Ubuntu package `faketime`. "@" makes the faked clock tick from that moment (a frozen
# clock stops Prefect's waits); monotonic time stays faked too, as Python's sleep needs.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTEST="${PYTEST:-.venv/bin/pytest}"
TESTS=(
  tests/flows/test_hr_payroll.py
  tests/sandbox/test_xero_payroll*.py tests/connectors/test_xero_payroll*.py
  tests/sandbox/test_deputy*.py tests/connectors/test_deputy*.py
  tests/sandbox/test_sandbox_seeding.py
  tests/sync/test_timesheets.py
  tests/dashboard/
)
# Year end, a Monday (a new week and fortnight of the pay calendars), a leap day, the day after Sydney's
# daylight saving ends, the end of an Australian financial year.
DATES=("$@")
if [ ${#DATES[@]} -eq 0 ]; then
  DATES=(2026-12-31 2027-01-04 2028-02-29 2027-04-05 2029-06-30)
fi

if ! command -v faketime >/dev/null 2>&1; then
  echo "dates.sh: faketime is not installed (apt-get install faketime), so no date but today can be checked" >&2
  exit 2
fi

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/dates.XXXXXX")"
failed=()
started=$SECONDS

run() {  # label, then the command that runs pytest
  local label="$1" log="$LOGS/$1.log" began=$SECONDS
  shift
  if "$@" "$PYTEST" -p no:cacheprovider "${TESTS[@]}" --ignore=tests/dashboard/test_browser.py >"$log" 2>&1; then
    printf '%-10s passed  %4ds  %s\n' "$label" $((SECONDS - began)) "$(tail -n 1 "$log")"
  else
    printf '%-10s FAILED  %4ds  %s (log: %s)\n' "$label" $((SECONDS - began)) "$(tail -n 1 "$log")" "$log"
    failed+=("$label")
  fi
}

for day in "${DATES[@]}"; do
  run "$day" faketime -f "@$day 10:00:00"
done
run today env

echo "dates.sh: ${#DATES[@]} dates and today in $((SECONDS - started))s"
if [ ${#failed[@]} -gt 0 ]; then
  for label in "${failed[@]}"; do
    echo "--- $label: $LOGS/$label.log (last 40 lines)"
    tail -n 40 "$LOGS/$label.log"
  done
  echo "dates.sh: failed on ${failed[*]}" >&2
  exit 1
fi
rm -rf "$LOGS"
