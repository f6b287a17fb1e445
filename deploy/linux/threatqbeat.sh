#!/bin/sh
# /usr/bin/threatqbeat of the .deb and .rpm packages: runs
# /usr/share/threatqbeat/bin/threatqbeat with the paths of the systemd unit,
# as the threatqbeat user when started by root, so that the keystore and the
# cursors it writes belong to the service (docs/service.md).
set -e
bin=/usr/share/threatqbeat/bin/threatqbeat
paths="--path.home /usr/share/threatqbeat --path.config /etc/threatqbeat --path.data /var/lib/threatqbeat --path.logs /var/log/threatqbeat"
if [ "$(id -u)" = 0 ]; then
	# shellcheck disable=SC2086 # the paths are separate words
	exec runuser -u threatqbeat -- "$bin" $paths "$@"
fi
# shellcheck disable=SC2086
exec "$bin" $paths "$@"
