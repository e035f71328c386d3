# One image for both services; the command picks what runs:
#   docker run IMAGE auth | mcp | migrate | standalone (both services in one process, the default)
# Production dependencies only, compiled to plain JavaScript at build time, running as `node`.
# About 330 MB on disk: the node:22-bookworm-slim base and ~115 MB of app (docs/deployment.md).

FROM node:22-bookworm-slim AS base
RUN npm install --global pnpm@10.34.9 && npm cache clean --force
WORKDIR /app

# Dependencies first, from the lockfile alone, so a source edit does not download them again.
FROM base AS dependencies
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch --prod

# Production dependencies of the apps only (no dev dependencies, no test or bench packages), then
# the bundles `start.mjs` would otherwise compile at every start.
FROM dependencies AS build
COPY . .
RUN pnpm install --frozen-lockfile --offline --prod --filter "@enclavia/standalone..." \
  && node apps/standalone/scripts/start.mjs --build-only

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
  ENCLAVIA_PREBUILT=1 \
  AUTH_HOST=0.0.0.0 \
  MCP_HOST=0.0.0.0
WORKDIR /app
# Owned by root and read-only to the server; only the embedded database's directory is writable.
COPY --from=build /app /app
RUN mkdir /data && chown node:node /data
ENV DATA_DIR=/data
VOLUME /data
USER node
EXPOSE 4000 4001
# Whichever service this container runs answers on its port; no curl in the image, node fetches.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p=[process.env.AUTH_PORT||4000,process.env.MCP_PORT||4001];Promise.any(p.map(n=>fetch('http://127.0.0.1:'+n+'/healthz').then(r=>{if(!r.ok)throw 0}))).then(()=>process.exit(0),()=>process.exit(1))"]
ENTRYPOINT ["node", "apps/standalone/scripts/start.mjs"]
CMD ["standalone"]
