# syntax=docker/dockerfile:1
# The portal's image (README "Production"): built once, run compiled, as a non-root user.
#   docker build -t bge-consent-portal .
# The runtime stage's steps are what test/e2e/compiled.e2e.ts checks without a container.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: every dependency, the toolchain better-sqlite3 compiles with when no prebuilt binary fits
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The SPA, its server render and the server bundle into dist/, then production dependencies only.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: node, the build and production dependencies; nothing to compile, nothing written but /data
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PORTAL_DB=/data/portal.sqlite \
    SANDBOX_DB=/data/sandbox.sqlite
WORKDIR /app
# Owned by root, so the portal's user cannot change its own code.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
# The SQLite store (when DATABASE_URL is unset) and the sandbox's state, if it runs.
VOLUME ["/data"]
USER node
EXPOSE 3000
# Liveness only; load balancers ask /readyz, which also answers 503 while the instance drains.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1's only process and gets SIGTERM itself, so it drains (SHUTDOWN_GRACE_MS).
CMD ["node", "dist/server/index.js"]
