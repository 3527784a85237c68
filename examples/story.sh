#!/usr/bin/env bash
# The porting story in eight commands, on the example config (local mode, SQLite):
# an order is opened, the customer's bill and the e-signature notice arrive, staff
# submit, the carrier confirms the port day, staff say where the numbers ring, the
# carrier completes. Each step runs at the time it would happen (--now).
#
#   cp bot.toml.example bot.toml && examples/story.sh
#
# PORTBOT names the binary (default: portbot on the PATH).
set -euo pipefail
bot=${PORTBOT:-portbot}
story="$(cd "$(dirname "$0")" && pwd)/story"
step() { echo; echo "\$ portbot $*"; "$bot" "$@"; }

step --now 2026-11-23T15:00:00Z chat 'open customer=ACME-001 carrier="Comcast Business" numbers="305-555-0100 thru 0102" contact=ops@acme.example account="8774 1012 3456 789" btn=305-555-0100 name="Acme Dental Group" address="100 Main St, Miami, FL 33130" authorized="Maria Lopez"'
step --now 2026-11-23T16:00:00Z ingest "$story/1-bill.eml"
step --now 2026-11-23T16:30:00Z ingest "$story/2-signed.eml"
step --now 2026-11-23T17:00:00Z chat "submit PORT-1001"
step --now 2026-11-25T15:00:00Z ingest "$story/3-foc.eml"
step --now 2026-11-25T15:30:00Z chat "route PORT-1001 all ext 201"
step --now 2026-12-08T18:00:00Z ingest "$story/4-completed.eml"
step --now 2026-12-08T18:05:00Z order show PORT-1001
