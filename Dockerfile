# The image of every MicroPay service: one Dockerfile, built once per service from the repository
# root (npm workspaces share one lockfile), with the service and its port as build arguments:
#   docker build --build-arg SERVICE=payment-service --build-arg PORT=8083 -t payment-service .
#   make images       (every service, ports from platform/src/manifest/services.json)
#
# Base images are pinned by tag AND digest; the digest wins when both are given. They were not
# pulled on the machine that wrote this file: verify and bump them with
#   docker buildx imagetools inspect <image:tag>
# (docs/deploy.md, "Images"). charts/test/images.test.ts enforces the rules below.

# 1. Node with npm, for the two build stages only.
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS node
WORKDIR /app

# 2. Compile TypeScript (platform, then the service) with the dev dependencies.
FROM node AS build
ARG SERVICE
RUN test -n "${SERVICE}" || { echo 'build with --build-arg SERVICE=<service name>' >&2; exit 1; }
COPY package.json package-lock.json tsconfig.base.json ./
COPY platform/package.json platform/
COPY ${SERVICE}/package.json ${SERVICE}/
RUN npm ci --workspace platform --workspace ${SERVICE} --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY platform/ platform/
COPY ${SERVICE}/ ${SERVICE}/
RUN npx tsc -b ${SERVICE}/tsconfig.build.json

# 3. Production dependencies only.
FROM node AS deps
ARG SERVICE
COPY package.json package-lock.json ./
COPY platform/package.json platform/
COPY ${SERVICE}/package.json ${SERVICE}/
RUN npm ci --omit=dev --workspace platform --workspace ${SERVICE} --ignore-scripts --no-audit --no-fund

# 4. Runtime: distroless Node (no shell, no package manager). Nothing is written under /app at
# run time (logs go to stdout, data to PostgreSQL via DATABASE_URL), so the pod can mount the
# root filesystem read-only. The working directory is the service's own, so the command and the
# migration Job's `dist/migrate.js` need no service name (exec form cannot expand one).
FROM gcr.io/distroless/nodejs20-debian12:nonroot@sha256:2cd820156cf039c8b54ae2d2a97e424b6729070714de8707a6b79f20d56f6a9a AS runtime
ARG SERVICE
ARG PORT
ENV NODE_ENV=production HOST=0.0.0.0 PORT=${PORT}
COPY --from=deps /app/node_modules /app/node_modules
COPY --from=deps /app/package.json /app/package.json
COPY --from=build /app/platform/package.json /app/platform/package.json
COPY --from=build /app/platform/dist /app/platform/dist
COPY --from=build /app/${SERVICE}/package.json /app/${SERVICE}/package.json
COPY --from=build /app/${SERVICE}/dist /app/${SERVICE}/dist
WORKDIR /app/${SERVICE}
# 65532 is distroless' "nonroot"; numeric so Kubernetes can verify runAsNonRoot.
USER 65532:65532
EXPOSE ${PORT}
# Exec form, node is PID 1: SIGTERM reaches it directly and platform/runtime/run-service drains.
ENTRYPOINT ["/nodejs/bin/node"]
CMD ["dist/main.js"]
