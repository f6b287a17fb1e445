#!/bin/sh
# Creates the system user and group the service runs as (docs/service.md).
set -e
if ! getent group threatqbeat >/dev/null 2>&1; then
	groupadd --system threatqbeat
fi
if ! getent passwd threatqbeat >/dev/null 2>&1; then
	useradd --system --gid threatqbeat --home-dir /var/lib/threatqbeat --no-create-home \
		--shell /usr/sbin/nologin --comment "threatqbeat service" threatqbeat
fi
