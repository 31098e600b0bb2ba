# Sira's worker and API: one image, two commands (see docker-compose.yml).
#   docker build --build-arg SIRA_BUILD_ID=$(git rev-parse --short=12 HEAD) -t sira:<id> .
# Bump NODE_IMAGE with Node's security releases.
ARG NODE_IMAGE=node:22.20.0-bookworm-slim

# Production dependencies only, installed from the lockfile with npm 11 (package.json's allowScripts
# lets only the install scripts Sira needs run).
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
RUN npm install --global --no-audit --no-fund npm@11.19.1
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The workflow bundle, built once here so that workers start without bundling (worker/bundle.ts).
FROM dependencies AS bundle
COPY . .
RUN node --import tsx worker/bundle.ts dist/workflow-bundle.js

FROM ${NODE_IMAGE} AS runtime
ARG SIRA_BUILD_ID=""
LABEL org.opencontainers.image.title="sira" org.opencontainers.image.revision="${SIRA_BUILD_ID}"
# SIRA_BUILD_ID is the worker's default Worker Versioning build id (WORKER_BUILD_ID overrides it).
ENV NODE_ENV=production SIRA_BUILD_ID=${SIRA_BUILD_ID}
WORKDIR /app
# Root owns the code; the processes run as `node` and cannot change it.
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=bundle /app/dist ./dist
COPY package.json package-lock.json tsconfig.json ./
COPY activities ./activities
COPY api ./api
COPY db ./db
COPY domain ./domain
COPY platform ./platform
COPY scripts ./scripts
COPY worker ./worker
COPY workflows ./workflows
USER node
EXPOSE 3000 9464
# `node --import tsx` runs the TypeScript as is, in one process that receives the stop signal itself.
CMD ["node", "--import", "tsx", "api/main.ts"]
