#!/usr/bin/env bash
# The SMTP password into its Prefect Secret block: `bash scripts/smtp-password.sh < pw.txt`
# (the same as `scripts/password.sh smtp`).
exec bash "$(dirname "$0")/password.sh" smtp
