#!/bin/sh
# Prepares a local CUPS server for the printer/cups tests. Idempotent; run as root.
# Needs the Debian packages cups cups-bsd cups-client (installed by .ci/run).
# Afterwards: queue "cap" (raw) whose jobs are appended to /tmp/dadan-cap.prn.
#   export DADAN_CUPS_QUEUE=cap DADAN_CUPS_CAPTURE=/tmp/dadan-cap.prn
set -eu
here=$(cd "$(dirname "$0")" && pwd)
queue=${DADAN_CUPS_QUEUE:-cap}
capture=${DADAN_CUPS_CAPTURE:-/tmp/dadan-cap.prn}

install -m 0700 -o root -g root "$here/capture-backend" /usr/lib/cups/backend/capture

if ! pgrep -x cupsd >/dev/null 2>&1; then
	/usr/sbin/cupsd
fi
i=0
until lpstat -r 2>/dev/null | grep -q 'is running'; do
	i=$((i + 1))
	if [ "$i" -gt 100 ]; then
		echo "cups-setup: cupsd did not start on localhost:631" >&2
		exit 1
	fi
	sleep 0.1
done

# No -m: CUPS 2.4 makes a raw queue (no PPD, bytes pass through untouched).
lpadmin -p "$queue" -E -v "capture:$capture"
cupsenable "$queue"
cupsaccept "$queue"
touch "$capture"
chmod 0644 "$capture"
lpstat -p "$queue"
