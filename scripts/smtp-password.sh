#!/usr/bin/env bash
# Store the SMTP password in the Prefect Secret block the flows read it from (never a flow
# parameter, never in a log). Reads the password from stdin, so it stays out of the shell
# history: `bash scripts/smtp-password.sh < wachtwoord.txt`, or type it and press Ctrl-D.
set -euo pipefail
source "$(dirname "$0")/env.sh"
python -c '
import getpass, sys
from prefect.blocks.system import Secret

password = (sys.stdin.read() if not sys.stdin.isatty() else getpass.getpass("SMTP-wachtwoord: "))
password = password.strip()
if not password:
    raise SystemExit("geen wachtwoord ontvangen")
Secret(value=password).save(sys.argv[1], overwrite=True)
print(f"Wachtwoord opgeslagen in Secret-blok {sys.argv[1]!r}.")
' "${CLM_SMTP_PASSWORD_BLOCK:-clm-smtp-password}"
