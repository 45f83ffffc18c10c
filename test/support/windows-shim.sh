#!/bin/bash
# Stands in for Windows OpenSSH's default shell (cmd.exe) and powershell.exe, as sshd's ForceCommand:
#   windows-shim.sh <config dir>
# <config dir>/shim.env    (written by test/support/sshd.ts) sets PWSH and EXPECTED_PREFIX, plus any
#                          environment the step scripts' stand-ins need;
# <config dir>/prelude.ps1 (optional) is dot-sourced before the bootstrap, at the same script scope,
#                          so its functions (Windows stand-ins) shadow cmdlets for the step script.
# The bootstrap itself is run unchanged, with stdin passed through.
set -u
config_dir="$1"
# shellcheck source=/dev/null
. "$config_dir/shim.env"

command="${SSH_ORIGINAL_COMMAND-}"
if [ "${#command}" -gt 8191 ]; then
  echo "The command line is too long." >&2
  exit 1
fi
case "$command" in
  "$EXPECTED_PREFIX"*) ;;
  *)
    program="${command%% *}"
    printf "'%s' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n" "$program" >&2
    exit 1
    ;;
esac

encoded="${command#"$EXPECTED_PREFIX"}"
if [ -f "$config_dir/prelude.ps1" ]; then
  bootstrap="$(printf '%s' "$encoded" | base64 -d | iconv -f UTF-16LE -t UTF-8)"
  encoded="$(printf ". '%s'\n%s" "$config_dir/prelude.ps1" "$bootstrap" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)"
fi
# The same flags powershell.exe was given (the prefix after the program name), now for pwsh.
flags="${EXPECTED_PREFIX#* }"
# shellcheck disable=SC2086 # the flags are meant to split into words
exec "$PWSH" $flags "$encoded"
