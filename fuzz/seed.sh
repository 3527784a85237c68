#!/usr/bin/env bash
# Seeds the fuzz corpora from the shared samples and public corpora (named by content,
# since file names repeat across folders).
set -euo pipefail
cd "$(dirname "$0")"
shared=${PORTBOT_SHARED:-../../shared}
mkdir -p corpus/parse_message corpus/parse_bill
seed() {
    local dest=$1 file
    while IFS= read -r -d '' file; do
        cp "$file" "$dest/$(sha1sum "$file" | cut -c1-16)"
    done
}
find "$shared/corpora" "$shared/samples/mail" -type f \( -name '*.eml' -o -name '*.txt' \) -size -200k -print0 | seed corpus/parse_message
find "$shared/samples/invoices" -type f -print0 | seed corpus/parse_bill
