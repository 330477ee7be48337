# The sfe worker image: `sfe worker --role cpu|gpu` (and every other sfe command).
# BASE_IMAGE must provide Node.js >= 20 with npm; a Debian-based image is expected. The GPU
# image (TF_VARIANT=gpu, the default) carries the native TensorFlow GPU binding; TF_VARIANT=cpu
# builds the native CPU one. Build context: the repository root.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
ARG TF_VARIANT=gpu

# The native TensorFlow binding is built against the pinned PyPI wheel: python3, pip, g++, make.
RUN if ! command -v python3 >/dev/null || ! command -v g++ >/dev/null \
      || ! command -v make >/dev/null || ! python3 -m pip --version >/dev/null 2>&1; then \
      apt-get update \
      && apt-get install -y --no-install-recommends python3 python3-pip python3-venv g++ make ca-certificates \
      && rm -rf /var/lib/apt/lists/*; \
    fi

WORKDIR /app
ENV AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# Dependencies first, sources last: a source change rebuilds only the final layers.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
# Only the installer's own files, so an edit elsewhere in infra/ keeps this (slow) layer cached;
# pip's download cache would only add the wheel a second time to the layer.
COPY infra/tools-dir.sh infra/
COPY infra/native/ infra/native/
RUN PIP_NO_CACHE_DIR=1 bash infra/native/install-tfjs-node.sh "$TF_VARIANT"
COPY . .
RUN npm run build

ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["worker", "--role", "cpu"]
