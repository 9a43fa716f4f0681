#!/bin/sh
# Prepares a local CUPS server for the printer/cups tests. Idempotent; run as root.
# Needs the Debian packages cups cups-bsd cups-client (installed by .ci/run).
# Afterwards: queue "cap" (raw) whose jobs are appended to /tmp/dadan-cap.prn,
# and queue "cap-fault" whose backend reports media-empty-error for every job
# (so the printer stops, as a printer out of paper does).
#   export DADAN_CUPS_QUEUE=cap DADAN_CUPS_CAPTURE=/tmp/dadan-cap.prn
set -eu
here=$(cd "$(dirname "$0")" && pwd)
queue=${DADAN_CUPS_QUEUE:-cap}
capture=${DADAN_CUPS_CAPTURE:-/tmp/dadan-cap.prn}

install -m 0700 -o root -g root "$here/capture-backend" /usr/lib/cups/backend/capture
cat >/usr/lib/cups/backend/fault <<'BACKEND'
#!/bin/sh
# CUPS backend "fault": fails every job with the printer-state-reason named
# in the device URI (fault:media-empty-error), and stops the queue.
if [ $# -eq 0 ]; then
	echo 'direct fault "Unknown" "Fail jobs with a printer fault"'
	exit 0
fi
echo "STATE: +${DEVICE_URI#fault:}" >&2
echo "ERROR: simulated printer fault ${DEVICE_URI#fault:}" >&2
exit 4 # CUPS_BACKEND_STOP
BACKEND
chmod 0700 /usr/lib/cups/backend/fault

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
lpadmin -p "$queue-fault" -E -v fault:media-empty-error -o printer-error-policy=stop-printer
touch "$capture"
chmod 0644 "$capture"
lpstat -p "$queue"
