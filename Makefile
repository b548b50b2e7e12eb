# Make targets mirror the npm scripts; the README's two commands are `npm ci && npm start` and `npm test`.
SERVICES := auth-service transaction-service payment-service notification-service
SERVER_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: install start test test-postgres lint typecheck build images charts-check ci clean

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

images: ## build the four images (needs a Docker engine)
	@for s in $(SERVICES); do docker build -f $$s/Dockerfile -t $$s:local . || exit 1; done

charts-check: ## helm lint --strict and helm template of every chart scenario, validated against the Kubernetes 1.33 API (fetches helm/kubectl into .tools/ once)
	npm run deploy:check

ci: ## what CI runs
	.ci/run

clean:
	npm run clean
