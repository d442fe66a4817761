#!/bin/bash
# The README's demonstration must keep working: run it against the built binary.
exec "${top_srcdir:?}/demo/cli_demo.sh" "${top_builddir:?}/tools/changegate"
