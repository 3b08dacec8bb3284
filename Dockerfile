# syntax=docker/dockerfile:1
# source-finpro: the Airbyte source image. Two stages: build with dev dependencies, then run
# from a tree holding only production dependencies, the compiled JS, the stream schemas and
# the spec. integration_tests/docker/ replays the build stage's RUN steps and the runtime
# stage's COPY steps from this file, so keep them plain (one command per RUN).

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /airbyte/integration_code
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY connector ./connector
COPY sandbox ./sandbox
COPY bench ./bench
COPY schemas ./schemas
COPY spec ./spec
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20.20.2-bookworm-slim
WORKDIR /airbyte/integration_code
ENV NODE_ENV=production
COPY --from=build /airbyte/integration_code/package.json ./package.json
COPY --from=build /airbyte/integration_code/node_modules ./node_modules
COPY --from=build /airbyte/integration_code/dist ./dist
COPY --from=build /airbyte/integration_code/schemas ./schemas
COPY --from=build /airbyte/integration_code/spec ./spec
# The node image's unprivileged user; the connector writes nothing inside the image.
USER node
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/connector/main.js"
ENTRYPOINT ["node", "/airbyte/integration_code/dist/connector/main.js"]
LABEL io.airbyte.name=airbyte/source-finpro
LABEL io.airbyte.version=0.1.0
