# Caribou for TypeScript. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export CHECKPOINT_DISABLE := 1
TSX := node --import tsx
STACK ?= caribou

.PHONY: help install function-node build build-cli typecheck bundle format test test-unit test-integration test-e2e fuzz synth validate plan deploy destroy lint local local-down bench clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package-lock.json
	@# A linked node_modules (a git worktree sharing another checkout's) is never wiped by npm ci.
	@if [ -L node_modules ]; then echo "node_modules is a link: not running npm ci"; else npm ci --no-audit --no-fund; fi
	@touch $@

# Node of the declared Lambda runtime (nodejs22.x, shared/aws/lambda-runtime.ts) for local mode's
# function workers, from the registry package node-<os>-<arch> into .tools/ (not node_modules:
# a node in node_modules/.bin would replace the machine's node in every npm script).
FUNCTION_NODE_VERSION := 22.23.5
FUNCTION_NODE_PKG = node-$(shell node -p 'process.platform + "-" + process.arch')
FUNCTION_NODE = .tools/node$(firstword $(subst ., ,$(FUNCTION_NODE_VERSION)))/node_modules/$(FUNCTION_NODE_PKG)/bin/node

install: node_modules/.package-lock.json function-node ## install dependencies (npm ci), Node 22 for local mode's functions, build the CLI
	@$(MAKE) --no-print-directory build-cli

function-node: ## install the Node that local mode runs function code on (.tools/)
	@if [ "$$($(FUNCTION_NODE) --version 2>/dev/null)" = "v$(FUNCTION_NODE_VERSION)" ]; then :; \
	else npm install --prefix $(patsubst %/node_modules/$(FUNCTION_NODE_PKG)/bin/node,%,$(FUNCTION_NODE)) --no-save --no-package-lock --no-audit --no-fund $(FUNCTION_NODE_PKG)@$(FUNCTION_NODE_VERSION) \
	  || echo "function-node: $(FUNCTION_NODE_PKG)@$(FUNCTION_NODE_VERSION) not installed; local mode runs functions on $$(node --version) (caribou local status says so)"; fi

build-cli: node_modules/.package-lock.json ## bundle the caribou CLI into dist/cli/ (bin/caribou.js runs it)
	$(TSX) scripts/build-cli.ts

typecheck: install ## type-check the whole project
	npx tsc -p tsconfig.json

bundle: install ## one esbuild bundle per service into dist/
	$(TSX) terraform/bundle.ts

build: typecheck bundle build-cli ## type-check + service bundles + CLI bundle

# Folders whose imports dependency-cruiser checks (.dependency-cruiser.cjs; test/unit/architecture).
ARCH_DIRS := services shared cli local terraform scripts bench test testkit examples

lint: typecheck ## type-check, layering rules (dependency-cruiser), Biome format + lint check, project rules
	$(TSX) scripts/lint.ts
	npx depcruise --config .dependency-cruiser.cjs $(ARCH_DIRS)
	npx biome ci .

format: install ## format the tree with Biome (make lint fails on unformatted files)
	npx biome format --write .

test: install ## every test tier: unit, integration (local mode), e2e
	scripts/run-tests.sh unit integration e2e

test-unit: install ## unit tests only (no network)
	scripts/run-tests.sh unit

test-integration: install ## integration tests (start local mode themselves)
	scripts/run-tests.sh integration

test-e2e: install ## end-to-end tests in local mode
	scripts/run-tests.sh e2e

fuzz: install ## property tests on fresh random seeds with 10x the inputs (make test uses one fixed seed)
	CARIBOU_FUZZ_SEED=random CARIBOU_FUZZ_RUNS=$${CARIBOU_FUZZ_RUNS:-1500} node --import tsx --import ./test/setup/fast-check-seed.ts --test $$(ls test/unit/fuzz/*.test.ts test/unit/log-syncer/*.test.ts)

synth: bundle ## synthesize the control plane's Terraform into cdktf.out/
	$(TSX) terraform/main.ts

validate: synth ## terraform init + validate of the synthesized stack (offline)
	$(TSX) scripts/terraform.ts validate

plan: synth ## terraform plan against the AWS account in the environment (prints account/region first)
	$(TSX) scripts/terraform.ts plan

deploy: synth ## terraform apply of the stack to the AWS account in the environment (refuses an account other than CARIBOU_EXPECTED_ACCOUNT_ID)
	$(TSX) scripts/terraform.ts apply

destroy: synth ## terraform destroy of the stack (same account guard; remove workflows first: caribou remove)
	$(TSX) scripts/terraform.ts destroy

local: install ## run the whole system locally (no AWS account needed)
	$(TSX) cli/main.ts local up --demo

local-down: ## stop local mode
	$(TSX) cli/main.ts local down

bench: install ## benchmarks; results in bench/results/
	$(TSX) bench/run.ts

clean: ## remove build output
	rm -rf dist cdktf.out .caribou-build
