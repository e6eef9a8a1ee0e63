# syntax=docker/dockerfile:1
# One image for every process of the system: the service (ROLE=all|api|worker), its migrations
# (dist/apps/payments/src/migrate.js) and the DOKU simulator (dist/apps/doku-simulator/src/main.js).

# ---- build: every dependency, TypeScript compiled to dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# ---- runtime: production dependencies and the build only, as a non-root user ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Where the simulator writes the credentials it shares with the service (a volume in compose):
# owned by the unprivileged user so a fresh named volume is writable.
RUN mkdir -p /var/lib/doku-simulator && chown node:node /var/lib/doku-simulator
USER node
EXPOSE 3000
CMD ["node", "--max-old-space-size=160", "dist/apps/payments/src/main.js"]
