# Make targets mirror the npm scripts; the README's two commands are `npm ci && npm start` and `npm test`.
MANIFEST := platform/src/manifest/services.json
SERVICES := $(shell node -p "require('./$(MANIFEST)').services.map((s) => s.name).join(' ')")
port_of = $(shell node -p "require('./$(MANIFEST)').services.find((s) => s.name === '$(1)').port")
SERVER_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: install start test test-postgres lint typecheck build images images-push charts-check ci clean

install: ## install exactly what the lockfile says
	npm ci

start: ## the whole platform on embedded Postgres, gateway on http://127.0.0.1:8080
	npm start

test: ## every test on embedded Postgres, with a coverage summary
	npm test

test-postgres: ## the same suite against a PostgreSQL server (a fresh database per run)
	DATABASE_URL=$(SERVER_DATABASE_URL) npm test

lint:
	npm run lint

typecheck:
	npm run typecheck

build: ## compile every package to dist/ (what the images run)
	npm run build

# Image names equal service names; REGISTRY is an ECR registry such as
# 123456789012.dkr.ecr.eu-west-1.amazonaws.com (docs/deploy.md), empty for local builds.
REGISTRY ?=
TAG ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo local)
IMAGE_PREFIX = $(if $(REGISTRY),$(REGISTRY)/,)
PLATFORM ?= linux/amd64

images: ## build one image per service from the one Dockerfile (needs a Docker engine): make images [REGISTRY=...] [TAG=...]
	@$(foreach s,$(SERVICES),docker build --platform $(PLATFORM) --build-arg SERVICE=$(s) --build-arg PORT=$(call port_of,$(s)) -t $(IMAGE_PREFIX)$(s):$(TAG) . || exit 1;)

images-push: ## build and push every image to $(REGISTRY) (docker login first)
	@test -n "$(REGISTRY)" || { echo "set REGISTRY=<account>.dkr.ecr.<region>.amazonaws.com"; exit 1; }
	@$(MAKE) --no-print-directory images
	@for s in $(SERVICES); do docker push $(IMAGE_PREFIX)$$s:$(TAG) || exit 1; done

charts-check: ## helm lint --strict and helm template of every chart scenario, validated against the Kubernetes 1.33 API (fetches helm/kubectl into .tools/ once)
	npm run deploy:check

ci: ## what CI runs
	.ci/run

clean:
	npm run clean
