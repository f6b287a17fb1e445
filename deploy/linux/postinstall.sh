#!/bin/sh
# Gives the service user its directories and configuration file: libbeat
# reads a configuration only when it belongs to the user running it (or
# root) and nobody else may write it. The service is not started: configure
# it first (docs/service.md).
set -e
chown root:threatqbeat /etc/threatqbeat
chmod 0750 /etc/threatqbeat
chown threatqbeat:threatqbeat /etc/threatqbeat/threatqbeat.yml
chmod 0600 /etc/threatqbeat/threatqbeat.yml
chown threatqbeat:threatqbeat /var/lib/threatqbeat /var/log/threatqbeat
chmod 0750 /var/lib/threatqbeat /var/log/threatqbeat
if command -v systemctl >/dev/null 2>&1; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi
