# The two commands a newcomer needs:  make demo   and   make test
# `build` makes the npm package (dist/: provider/ only); `build-dev` compiles the whole checkout
# (provider, simulated host, demo, benchmark, generators) into build/ for the programs run from here.
.PHONY: setup build build-dev generate lint test demo bench clean

NODE_MODULES := node_modules/.package-lock.json

$(NODE_MODULES): package.json package-lock.json
	npm ci

setup: $(NODE_MODULES)

build: setup
	npm run --silent build

build-dev: setup
	npm run --silent build:dev

# Rewrites schema.json, the generated types and the docs tables from provider/node/spec/.
generate: build-dev
	node build/tools/generate/main.js

lint: setup
	npx tsc -p tsconfig.test.json --noEmit

test: build
	npx jest

demo: build-dev
	node build/provider/cli/main.js demo

bench: build-dev
	node build/bench/run.js

clean:
	rm -rf dist build
