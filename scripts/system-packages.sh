#!/usr/bin/env bash
# The Debian/Ubuntu packages the product needs (run) and those only the tests need (test):
# checks each by a file it installs, installs what is missing with apt-get when run as root,
# and otherwise stops with one line naming the packages and the command.
# Usage: bash scripts/system-packages.sh run|test
set -euo pipefail
run=(
  "libpango-1.0-0:/usr/lib/*/libpango-1.0.so.0"      # WeasyPrint: letters and reports as PDF
  "libpangoft2-1.0-0:/usr/lib/*/libpangoft2-1.0.so.0"
  "libharfbuzz0b:/usr/lib/*/libharfbuzz.so.0"
  "libharfbuzz-subset0:/usr/lib/*/libharfbuzz-subset.so.0"  # fonts subset in C: PDFs written faster
  "fonts-dejavu-core:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
need=("${run[@]}")
if [ "${1:-run}" = "test" ]; then
  need+=("chromium:/usr/bin/chromium")              # the browser test (Playwright)
  need+=("libatomic1:/usr/lib/*/libatomic.so.1")     # Playwright's own node program needs it
  need+=("dovecot-imapd:/usr/lib/dovecot/imap")         # the mailbox tests: a real IMAP server
  # the document checks: a provider's office suite opens what we send (LibreOffice to PDF,
  # Poppler reads the text back); Carlito has Calibri's widths, the font Word and Excel use
  need+=("libreoffice-writer-nogui:/usr/lib/libreoffice/program/libswlo.so")
  need+=("libreoffice-calc-nogui:/usr/lib/libreoffice/program/libsclo.so")
  need+=("poppler-utils:/usr/bin/pdftotext")
  need+=("fonts-crosextra-carlito:/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf")
fi
missing=()
for item in "${need[@]}"; do
  package=${item%%:*} pattern=${item#*:}
  compgen -G "$pattern" >/dev/null || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Systeempakketten ontbreken: ${missing[*]}; installeer ze met: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Systeempakketten installeren (apt-get): ${missing[*]}…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 && exit 0
# One by one: a package this system does not offer (chromium is a snap on Ubuntu) leaves
# only the tests that need it to skip; the product's own packages must be there.
failed=()
for package in "${missing[@]}"; do
  apt-get install -y -q --no-install-recommends "$package" >/dev/null 2>&1 || failed+=("$package")
done
for item in "${run[@]}"; do
  for package in "${failed[@]}"; do
    [ "${item%%:*}" = "$package" ] && { echo "apt-get install $package mislukt" >&2; exit 1; }
  done
done
echo "Niet te installeren: ${failed[*]}; de tests die ze nodig hebben slaan over en zeggen waarom" >&2
