#!/usr/bin/env bash
# Store a mail password in the Prefect Secret block the flows read it from (never a flow
# parameter, never in a log): `smtp` (sending) or `imap` (the region mailbox). Reads the
# password from stdin, so it stays out of the shell history:
#   bash scripts/password.sh imap < wachtwoord.txt     (or type it and press Ctrl-D)
set -euo pipefail
kind=${1:?geef smtp of imap}
case "$kind" in
  smtp) block=${CLM_SMTP_PASSWORD_BLOCK:-clm-smtp-password} ;;
  imap) block=${CLM_IMAP_PASSWORD_BLOCK:-clm-imap-password} ;;
  *) echo "onbekend: $kind (smtp of imap)" >&2; exit 2 ;;
esac
source "$(dirname "$0")/env.sh"
python -c '
import getpass, sys
from prefect.blocks.system import Secret

kind, block = sys.argv[1], sys.argv[2]
password = (sys.stdin.read() if not sys.stdin.isatty() else getpass.getpass(f"{kind.upper()}-wachtwoord: "))
password = password.strip()
if not password:
    raise SystemExit("geen wachtwoord ontvangen")
Secret(value=password).save(block, overwrite=True)
print(f"Wachtwoord opgeslagen in Secret-blok {block!r}.")
' "$kind" "$block"
