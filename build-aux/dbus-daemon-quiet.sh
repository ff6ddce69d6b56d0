#!/bin/sh
# dbus-daemon with its standard output on standard error, for headless-run.sh: services it
# activates (the AT-SPI registry says "SpiRegistry daemon is running…") inherit that output,
# and on a test's standard output any such line breaks TAP. dbus-run-session reads the bus
# address from a descriptor of its own, not from standard output.
exec dbus-daemon "$@" >&2
