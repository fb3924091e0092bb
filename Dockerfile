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
# bench), so the install sees the workspace the lockfile describes; apps/cli/test/deploy.test.ts
# fails when one is missing or a path here no longer exists.
COPY packages/shared/package.json packages/shared/
COPY packages/feed-fixtures/package.json packages/feed-fixtures/
COPY packages/feed-list/package.json packages/feed-list/
COPY packages/runtime/package.json packages/runtime/
COPY packages/status/package.json packages/status/
COPY packages/subscriptions/package.json packages/subscriptions/
COPY packages/testing/package.json packages/testing/
COPY packages/topic-store/package.json packages/topic-store/
COPY services/aggregator/package.json services/aggregator/
COPY services/classifier/package.json services/classifier/
COPY services/dashboard/package.json services/dashboard/
COPY services/loader/package.json services/loader/
COPY services/notifier/package.json services/notifier/
COPY apps/cli/package.json apps/cli/
COPY bench/package.json bench/
# The lockfile alone decides the dependency layer, so code changes rebuild only what follows.
RUN --mount=type=secret,id=npmrc --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npmrc ]; then export NPM_CONFIG_USERCONFIG=/run/secrets/npmrc; fi \
 && if [ -s /run/secrets/npm_ca ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm_ca NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && pnpm fetch --frozen-lockfile
# The sources a service can need: the services and the libraries under packages/.
COPY packages/ packages/
COPY services/ services/
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=loader|classifier|aggregator|notifier|dashboard" && exit 1)
# The legacy deploy resolves the service's dependencies again, so it needs the registry too.
RUN --mount=type=secret,id=npmrc --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npmrc ]; then export NPM_CONFIG_USERCONFIG=/run/secrets/npmrc; fi \
 && if [ -s /run/secrets/npm_ca ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm_ca NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && pnpm install --frozen-lockfile --offline \
 && pnpm --filter "@tidings/${SERVICE}" deploy --legacy --prod /out \
 && rm -rf /out/test

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    MODEL_CACHE_DIR=/models
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tidings \
 && mkdir -p /app /data /models \
 && chown tidings /data /models
WORKDIR /app
COPY --from=build --chown=root:root /out ./
USER 10001
# Snapshots and the model cache live in volumes; the image itself stays read-only to the service.
VOLUME ["/data", "/models"]
CMD ["node", "--import", "tsx", "src/main.ts"]
