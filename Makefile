# The two commands a newcomer needs:  make demo   and   make test
.PHONY: setup build lint test demo bench clean

NODE_MODULES := node_modules/.package-lock.json

$(NODE_MODULES): package.json package-lock.json
	npm ci

setup: $(NODE_MODULES)

build: setup
	npm run --silent build

lint: setup
	npx tsc -p tsconfig.test.json --noEmit

test: build
	npx jest

demo: build
	node dist/provider/cli/main.js demo

bench: build
	node dist/bench/run.js

clean:
	rm -rf dist
