#!/usr/bin/env bash
# Installs what only the tests need beyond the store servers and Docker: Debian's Chromium, which
# test/browser/report-html.test.ts drives through puppeteer-core to open `bench report --html`
# output (no browser is downloaded from anywhere but the Debian archive). Idempotent.
set -euo pipefail
# apt-get calls wait for each other's locks: `npm run setup` runs Qdrant's build beside the other installs.
apt_get() { flock /var/lib/apt/vdb-bench-apt.lock apt-get "$@"; }

say() { echo "install-test-tools: $*"; }
die() { echo "install-test-tools: $*" >&2; exit 1; }

readonly PACKAGES=(chromium)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  say "up to date (${PACKAGES[*]})"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || die "the tests need ${missing[*]}: apt-get install -y ${missing[*]} (as root), or set CHROMIUM_PATH"
say "installing ${missing[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
say "installed: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
