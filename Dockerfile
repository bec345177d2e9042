# lienthong hub image: compiled JavaScript on Node 24 (LTS), production dependencies only, a
# non-root user, a health check on /readyz.
#   docker build -t lienthong .
#   docker run -p 8080:8080 -e DATABASE_URL=… -e REDIS_URL=… -v "$PWD/trust:/trust:ro" lienthong
# docs/deployment.md: compose, Kubernetes, the trust folder, the first accounts and nodes.

# 1. Build: every dependency, then tsc into dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# 2. Production dependencies only (no install scripts: nothing to compile).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# 3. The image: what runs, owned by root, run by the unprivileged `node` user (uid 1000).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 LIENTHONG_HEALTH_PORT=8081 \
    LIENTHONG_DATA_DIR=/data LIENTHONG_TRUST_DIR=/trust
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY config ./config
# Embedded mode keeps its database in /data (a volume); with DATABASE_URL nothing is written there.
RUN mkdir -p /data /trust && chown node:node /data && chmod 0700 /data
USER node
EXPOSE 8080 8081
VOLUME ["/data"]
# /readyz on the API port; a worker (LIENTHONG_ROLE=worker: no API port) on LIENTHONG_HEALTH_PORT.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const p=process.env.LIENTHONG_ROLE==='worker'?process.env.LIENTHONG_HEALTH_PORT:process.env.PORT;fetch('http://127.0.0.1:'+p+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/lienthong.js"]
CMD ["serve"]
