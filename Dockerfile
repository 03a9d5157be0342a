# syntax=docker/dockerfile:1
# One image for both apps. The hub is the default command; the worker overrides it:
#   docker run … clearing-house            -> hub    (HTTP on 3000)
#   docker run … clearing-house node dist/apps/worker/apps/worker/src/main.js   -> worker (health on 3001)
# Both need DATABASE_URL and REDIS_URL (see docker-compose.yml and docs/operations.md). The image has no
# embedded PostgreSQL: that is the `npm start` default for a developer machine, not for containers.
# Node 24, the current LTS (package.json engines: 22.22+, 24.15+ or 26+, what the dependencies declare)
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: all dependencies, compile both apps ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- production dependencies only ---
# --omit=optional drops the ~60 MB embedded PostgreSQL binaries (and msgpackr's optional native
# accelerator; msgpackr falls back to JavaScript). No production dependency needs an install script.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HUB_HOST=0.0.0.0 \
    HUB_PORT=3000 \
    WORKER_HEALTH_PORT=3001
WORKDIR /app
# owned by root and read-only for the app user: the process cannot rewrite its own code
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# the XML schemas the apps validate with (found by walking up from the compiled code)
COPY --from=build /app/libs/xml/schema ./libs/xml/schema
COPY package.json ./
USER node
EXPOSE 3000 3001
# Run with an init (`docker run --init`, compose `init: true`) so signals and zombies are handled.
# the hub's V8 flags: scripts/hub-node-flags.mjs (kept equal by apps/hub/src/hub-node-flags.spec.ts)
CMD ["node", "--enable-source-maps", "--min-semi-space-size=16", "--max-semi-space-size=32", "--no-memory-reducer", "--initial-old-space-size=512", "dist/apps/hub/apps/hub/src/main.js"]
