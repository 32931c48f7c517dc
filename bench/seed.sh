#!/usr/bin/env bash
# Seeds N existing runs (with their events and error events) straight into the database of the PG* variables, in
# the proportions described in bench/seed.sql; the schema must be there (start the service once, or bench/lists.sh).
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/seed.sh 1000000
#
# Knobs: ACTIVE (1; 0 seeds history only: the queued, running and paused runs become completed, so that a work-off
# measured on top finds no foreign runs in the queue). Appends; TRUNCATE job_runs, job_run_events, error_events
# first for an exact count. 1,000,000 runs take about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
psql -qX -v ON_ERROR_STOP=1 -v runs="${1:?usage: bench/seed.sh N}" -v active="${ACTIVE:-1}" -f bench/seed.sql
