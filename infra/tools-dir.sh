# Sourced by infra/setup.sh and infra/native/*.sh: the one versioned tools folder outside the clone.
# Bump TOOLS_VERSION when the layout of the folder changes.
TOOLS_VERSION=1
tools_dir=${SFE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sfe-platform/tools-v$TOOLS_VERSION}
