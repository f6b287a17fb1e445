#!/bin/sh
# Forgets the removed unit. The user, the configuration, the keystore and
# the cursors stay (apt purge removes the configuration files).
set -e
if command -v systemctl >/dev/null 2>&1; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi
