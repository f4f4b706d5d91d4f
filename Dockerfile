# syntax=docker/dockerfile:1
# One image recipe for every app: APP names it (gateway, auth, blog, chat) and APP_PORT is the
# port its HTTP listener takes by default (the gateway's API, the others' health probes).
# Build from the repository root, which is the build context:
#   docker build --build-arg APP=auth --build-arg APP_PORT=3001 -t capstone/auth .
# Multi-arch: docker buildx build --platform linux/amd64,linux/arm64 --build-arg APP=auth ... .
# docker compose passes both arguments for each service (docker-compose.yml).

# Node 24 LTS on Debian 12, slim: glibc, so the npm packages' prebuilt native binaries (argon2)
# load as they are, and no compiler, so nothing can quietly fall back to building from source.
# The tag names an exact Node release, the one .ci/run and the README use; bump the three together.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# Compiles the app's bundle and its generated package.json (Nx's esbuild executor,
# tools/build). The output is plain JavaScript, so this stage runs on the builder's own platform
# and is never emulated when building for another CPU.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
# No Nx daemon, cloud or telemetry in a throw-away container.
ENV NX_DAEMON=false NX_NO_CLOUD=true
WORKDIR /workspace
COPY package.json package-lock.json .npmrc ./
# No install script runs: the build tools (nx, esbuild, swc) ship their binaries as optional
# dependencies, and the apps' production dependencies are installed in their own stage.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY nx.json tsconfig.base.json ./
COPY tools/build tools/build
COPY libs libs
COPY apps apps
ARG APP
RUN test -n "$APP" || { echo 'build with --build-arg APP=<gateway|auth|blog|chat>' >&2; exit 1; }
RUN npx nx run "$APP:build"
# Nx's pruned lock file can drop a package nested three levels deep (nrwl/nx#28051: here
# typeorm > yargs > cliui > string-width), and `npm ci` then refuses it. npm prunes the
# workspace's own lock file for the generated package.json instead: the same versions, and only
# the packages the app's dependencies need.
RUN cp package-lock.json "dist/apps/$APP/" && cd "dist/apps/$APP" && \
    npm install --package-lock-only --ignore-scripts --no-audit --no-fund

# The app's production dependencies only, from the lock file pruned for it above, installed
# on the target platform. --ignore-scripts: a native module must bring a prebuilt binary for
# this platform; loading each one here makes a module that would compile from source fail this
# build, in CI, instead of half-building on a user's laptop.
FROM ${NODE_IMAGE} AS prod-deps
ARG APP
WORKDIR /app
COPY --from=build /workspace/dist/apps/${APP}/package.json /workspace/dist/apps/${APP}/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
COPY tools/build/load-native-modules.mjs /tmp/
RUN node /tmp/load-native-modules.mjs

FROM ${NODE_IMAGE} AS runtime
ARG APP
ARG APP_PORT=3000
ENV NODE_ENV=production PORT=${APP_PORT}
WORKDIR /app
# The one directory the app's user may write, for a volume: compose keeps the auth service's
# generated signing key there (a new volume takes the owner of the directory it is mounted on).
RUN mkdir /keys && chown 1000:1000 /keys
# Code and dependencies belong to root and are read-only for the app's user.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /workspace/dist/apps/${APP} ./
# The image's own unprivileged "node" user, by number so that Kubernetes' runAsNonRoot can
# verify it.
USER 1000:1000
EXPOSE ${APP_PORT}
# Liveness: the process answers HTTP. Node's fetch, because slim images have no curl or wget.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# telemetry.js starts OpenTelemetry before the app loads what it instruments.
CMD ["node", "--enable-source-maps", "--import", "./telemetry.js", "main.js"]
