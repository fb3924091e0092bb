# One image per service: docker build --build-arg SERVICE=classifier -t tidings-classifier .
# SERVICE is one of loader, classifier, aggregator, notifier, dashboard.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# Registry settings, for a build behind a private registry or a TLS-inspecting proxy, come in as
# build secrets: mounted for one RUN only, never stored in a layer. Both are optional; without
# them npm and pnpm use the public registry and Node's own CA list (docs/deploy.md):
#   --secret id=npmrc,src=<an npmrc>      registry, auth tokens
#   --secret id=npm_ca,src=<a PEM file>   the CA bundle the registry's TLS chain needs
# The npm_ca file overrides any cafile= line in the npmrc, which would name a host path.
RUN --mount=type=secret,id=npmrc --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npmrc ]; then export NPM_CONFIG_USERCONFIG=/run/secrets/npmrc; fi \
 && if [ -s /run/secrets/npm_ca ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm_ca NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && npm install -g pnpm@10
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# Every workspace package's package.json (pnpm-workspace.yaml: packages/*, services/*, apps/*,
# bench, test/support/*), so the install sees the workspace the lockfile describes;
# test/deploy/docker.test.ts fails when one is missing or a path here no longer exists.
COPY packages/shared/package.json packages/shared/
COPY packages/feed-list/package.json packages/feed-list/
COPY packages/feedback/package.json packages/feedback/
COPY packages/model-tools/package.json packages/model-tools/
COPY packages/run-requests/package.json packages/run-requests/
COPY packages/runtime/package.json packages/runtime/
COPY packages/status/package.json packages/status/
COPY packages/subscriptions/package.json packages/subscriptions/
COPY packages/topic-store/package.json packages/topic-store/
COPY services/aggregator/package.json services/aggregator/
COPY services/classifier/package.json services/classifier/
COPY services/dashboard/package.json services/dashboard/
COPY services/loader/package.json services/loader/
COPY services/notifier/package.json services/notifier/
COPY apps/cli/package.json apps/cli/
COPY bench/package.json bench/
COPY test/support/feed-fixtures/package.json test/support/feed-fixtures/
COPY test/support/testing/package.json test/support/testing/
# The lockfile alone decides the dependency layer, so code changes rebuild only what follows.
# The only step that reaches the registry (with npm's above): every tarball the lockfile names.
RUN --mount=type=secret,id=npmrc --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npmrc ]; then export NPM_CONFIG_USERCONFIG=/run/secrets/npmrc; fi \
 && if [ -s /run/secrets/npm_ca ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm_ca NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && pnpm fetch --frozen-lockfile
# The sources and the build settings; tsc compiles the service and the workspace packages it
# references, nothing else.
COPY tsconfig.base.json tsconfig.build.json ./
COPY scripts/copy-assets.mjs scripts/container-healthcheck.mjs scripts/
COPY packages/ packages/
COPY services/ services/
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=loader|classifier|aggregator|notifier|dashboard" && exit 1)
# From here on nothing is resolved or downloaded: every install is --offline, from the store
# pnpm fetch filled, with exactly the lockfile's versions (--frozen-lockfile fails otherwise).
RUN pnpm install --offline --frozen-lockfile --ignore-scripts \
 && pnpm exec tsc -b "services/${SERVICE}" \
 && node scripts/copy-assets.mjs
# The image's tree: each workspace package's manifest (so the lockfile still matches the
# workspace) and compiled output, then the production dependencies of the service and of its
# workspace packages only, again offline from the store (--filter-prod: --filter would follow
# the devDependencies on the test harness, and through it every service). The classifier keeps
# its tiny model.
RUN mkdir -p /out/scripts \
 && cp package.json pnpm-lock.yaml pnpm-workspace.yaml /out/ \
 && cp scripts/container-healthcheck.mjs /out/scripts/ \
 && for manifest in packages/*/package.json services/*/package.json apps/*/package.json bench/package.json test/support/*/package.json; do \
      dir=$(dirname "$manifest"); mkdir -p "/out/$dir" && cp "$manifest" "/out/$dir/"; \
      if [ -d "$dir/dist" ]; then cp -r "$dir/dist" "/out/$dir/"; fi; \
    done \
 && if [ "$SERVICE" = classifier ]; then cp -r services/classifier/models /out/services/classifier/; fi \
 && find /out -name '*.tsbuildinfo' -delete \
 && cd /out && pnpm install --offline --frozen-lockfile --prod --ignore-scripts --filter-prod "@tidings/${SERVICE}..." \
 && ln -s "services/${SERVICE}/dist/main.js" /out/service.js

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# HEALTH_PORT: where a worker service answers /healthz and /readyz (the dashboard uses its own port).
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    DATA_DIR=/data \
    MODEL_CACHE_DIR=/models \
    HEALTH_PORT=8081
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tidings \
 && mkdir -p /app /data /models \
 && chown tidings /data /models
WORKDIR /app
# Owned by root and read-only to the service: it writes only to /data and /models, so the
# container may run with a read-only root filesystem (docker-compose.yml's read_only: true).
COPY --from=build --chown=root:root /out ./
USER 10001
VOLUME ["/data", "/models"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "scripts/container-healthcheck.mjs"]
CMD ["node", "service.js"]
