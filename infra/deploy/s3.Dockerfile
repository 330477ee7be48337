# The artifact store: versitygw serving a folder (a volume) over the S3 API. GO_IMAGE builds it
# (Go >= 1.21: an older toolchain fetches the one versitygw's go.mod asks for); BASE_IMAGE runs it.
ARG GO_IMAGE=golang:1.25-bookworm
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${GO_IMAGE} AS build
# Keep equal to VERSITYGW_VERSION in infra/setup.sh (test/deploy checks it).
ARG VERSITYGW_VERSION=v1.7.0
ENV GOTOOLCHAIN=auto CGO_ENABLED=0 GOBIN=/out
RUN go install "github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}"

FROM ${BASE_IMAGE}
COPY --from=build /out/versitygw /usr/local/bin/versitygw
VOLUME /data
# Credentials from the environment (the compose env file), never from the image. The bucket the
# workers write to is a folder of /data: made here so that a fresh volume is ready to use.
ENTRYPOINT ["sh", "-c", "mkdir -p \"/data/${SFE_S3_BUCKET:-sfe}\" && exec versitygw --access \"$AWS_ACCESS_KEY_ID\" --secret \"$AWS_SECRET_ACCESS_KEY\" --port \"${S3_IP:-}:${S3_PORT:-7070}\" posix /data"]
