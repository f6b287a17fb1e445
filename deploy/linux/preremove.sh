#!/bin/sh
# Stops the service before the package is removed (not on upgrade: dpkg
# passes "remove", rpm 0 when the last version goes).
set -e
case "$1" in
remove | 0)
	if command -v systemctl >/dev/null 2>&1; then
		systemctl disable --now threatqbeat.service >/dev/null 2>&1 || true
	fi
	;;
esac
