/**
 * Keeps the simulated Headscale and the client honest against the real API: each simulated version
 * is compared with the swagger spec of the release it stands for (juanfont/headscale
 * gen/openapiv2/headscale/v1/headscale.swagger.json). The client runs its whole repertoire against
 * the simulator; then every exchange is checked: the operation exists in that release, the client
 * sent only declared parameters and body fields of the declared types, and the simulator answered
 * with exactly the fields the release's response definition has.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMeshError } from "../../provider/common/errors";
import { createControlClient } from "../../provider/control";
import type { RecordedRequest } from "../../simulator/control-servers";
import {
  HEADSCALE_API_VERSIONS,
  HEADSCALE_SPEC_RELEASES,
  SimulatedHeadscale,
  type HeadscaleApiVersion,
} from "../../simulator/headscale-api";

const SPEC_DIR = process.env.HEADSCALE_OPENAPI_DIR ?? join(__dirname, "..", "fixtures", "headscale-openapi");

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: unknown;
}

interface Parameter {
  name: string;
  in: "path" | "query" | "body";
  type?: string;
  format?: string;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { schema?: Schema }>;
}

interface Swagger {
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, Schema>;
}

function loadSpec(version: HeadscaleApiVersion): Swagger {
  const file = join(SPEC_DIR, `headscale-v${HEADSCALE_SPEC_RELEASES[version]}.swagger.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Swagger;
  } catch (error) {
    throw new Error(`cannot read the Headscale spec ${file} (set HEADSCALE_OPENAPI_DIR): ${(error as Error).message}`);
  }
}

function findOperation(spec: Swagger, method: string, path: string): Operation | undefined {
  for (const [template, operations] of Object.entries(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (pattern.test(path)) return operations[method.toLowerCase()];
  }
  return undefined;
}

/**
 * Where `value` departs from `schema`. `exact`: every declared property must be present (responses:
 * grpc-gateway emits unpopulated fields); otherwise only declared ones may appear (requests).
 */
function departures(spec: Swagger, schema: Schema, value: unknown, at: string, exact: boolean): string[] {
  const resolved = schema.$ref ? spec.definitions[schema.$ref.replace("#/definitions/", "")] : schema;
  if (!resolved) return [`${at}: the spec has no ${schema.$ref}`];
  const type = resolved.type ?? (resolved.properties ? "object" : undefined);
  // protojson writes an unset message or timestamp as null.
  if (value === null) return schema.$ref || resolved.format === "date-time" ? [] : [`${at}: null for a ${type}`];
  switch (type) {
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${at}: expected an object`];
      const declared = resolved.properties ?? {};
      const present = Object.keys(value);
      const problems = resolved.additionalProperties
        ? []
        : present.filter((name) => !(name in declared)).map((name) => `${at}.${name}: not in the spec`);
      if (exact) problems.push(...Object.keys(declared).filter((name) => !present.includes(name)).map((name) => `${at}.${name}: missing`));
      for (const name of present.filter((candidate) => candidate in declared)) {
        problems.push(...departures(spec, declared[name] as Schema, (value as Record<string, unknown>)[name], `${at}.${name}`, exact));
      }
      return problems;
    }
    case "array":
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      return value.flatMap((item, index) => departures(spec, resolved.items ?? {}, item, `${at}[${index}]`, exact));
    case "string":
      if (typeof value !== "string") return [`${at}: expected a string`];
      if (resolved.enum && !resolved.enum.includes(value)) return [`${at}: ${value} is not one of ${resolved.enum.join(", ")}`];
      if (resolved.format === "date-time" && Number.isNaN(Date.parse(value))) return [`${at}: not a date-time`];
      if ((resolved.format === "uint64" || resolved.format === "int64") && !/^-?\d+$/.test(value)) return [`${at}: not a ${resolved.format}`];
      return [];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: expected a boolean`];
    case "integer":
      return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
    default:
      return [`${at}: unhandled schema type ${type}`];
  }
}

/** Everything wrong with one exchange, measured against the release's spec. */
function exchangeDepartures(spec: Swagger, exchange: RecordedRequest): string[] {
  const where = `${exchange.method} ${exchange.path}`;
  const operation = findOperation(spec, exchange.method, exchange.path);
  if (!operation) {
    // A probe for an operation this release lacks: the simulator must not serve it.
    return exchange.status === 404 ? [] : [`${where}: not in this release, yet answered ${exchange.status}`];
  }
  const parameters = operation.parameters ?? [];
  const problems = Object.keys(exchange.query)
    .filter((name) => !parameters.some((parameter) => parameter.in === "query" && parameter.name === name))
    .map((name) => `${where}: query parameter ${name} is not declared`);
  const bodySchema = parameters.find((parameter) => parameter.in === "body")?.schema;
  if (bodySchema) problems.push(...departures(spec, bodySchema, exchange.body ?? {}, `${where} request`, false));
  else if (exchange.body !== undefined) problems.push(`${where}: takes no body`);

  const okSchema = operation.responses["200"]?.schema;
  const errorSchema = operation.responses.default?.schema;
  const status = exchange.status ?? 0;
  const responseSchema = status >= 200 && status < 300 ? okSchema : errorSchema;
  if (responseSchema) problems.push(...departures(spec, responseSchema, exchange.response, `${where} ${status}`, true));
  return problems;
}

describe.each(HEADSCALE_API_VERSIONS)("Headscale %s against its release's swagger spec", (version) => {
  const spec = loadSpec(version);
  const since = (release: HeadscaleApiVersion): boolean => HEADSCALE_API_VERSIONS.indexOf(version) >= HEADSCALE_API_VERSIONS.indexOf(release);
  let server: SimulatedHeadscale;

  beforeEach(async () => {
    server = await SimulatedHeadscale.start({ version, users: ["admin", "ops"] });
  });
  afterEach(() => server.close());

  test("every exchange of the client's repertoire matches the spec, both ways", async () => {
    const client = createControlClient({ kind: "headscale", url: server.url, apiKey: server.apiKey, user: "ops" });
    server.registerNode({ hostname: "linux-box", tags: ["tag:server"] });
    const minted = await client.mintAuthKey({ tags: ["tag:windows"], expirySeconds: 600, reusable: false, ephemeral: false });
    server.registerNode({ hostname: "WIN-01", authKey: minted.key });
    const node = await client.findNode({ hostname: "win-01" });
    await client.expireAuthKey(minted);
    await client.deleteNode(node?.id ?? "");
    // Deleting again reaches the server's error answer (and the look-up that follows it).
    await client.deleteNode(node?.id ?? "");
    // Key expiry and key removal, as far as this version goes.
    const expiring = server.registerNode({ hostname: "WIN-02", expiry: new Date(Date.now() + 86_400_000) });
    await client.listNodes();
    await client.removeAuthKey(await client.mintAuthKey({ tags: ["tag:windows"], expirySeconds: 600, reusable: false, ephemeral: false }));
    await client.disableKeyExpiry(expiring.id).catch((error: unknown) => {
      if (!isMeshError(error, "unsupported")) throw error;
    });
    if (since("0.28")) {
      const tagsOnly = createControlClient({ kind: "headscale", url: server.url, apiKey: server.apiKey });
      await tagsOnly.mintAuthKey({ tags: ["tag:windows"], expirySeconds: 600, reusable: false, ephemeral: false });
    }

    const exchanges = server.requests;
    expect(exchanges.map((exchange) => `${exchange.method} ${exchange.path}`)).toEqual(
      expect.arrayContaining(["GET /api/v1/node", "POST /api/v1/preauthkey", "POST /api/v1/preauthkey/expire", "DELETE /api/v1/node/2"]),
    );
    expect(exchanges.flatMap((exchange) => exchangeDepartures(spec, exchange))).toEqual([]);
  });

  test("the simulator's node-expiry, key-removal and policy-check answers match the spec where the release has them", async () => {
    const node = server.registerNode({ hostname: "WIN-01" });
    const client = createControlClient({ kind: "headscale", url: server.url, apiKey: server.apiKey, user: "ops" });
    const minted = await client.mintAuthKey({ tags: ["tag:windows"], expirySeconds: 600, reusable: false, ephemeral: false });
    const call = (method: string, path: string, body?: unknown): Promise<Response> =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const expiry = since("0.27") ? `?expiry=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}` : "";
    await call("POST", `/api/v1/node/${node.id}/expire${expiry}`);
    await call("POST", "/api/v1/node/99/expire");
    if (since("0.28")) await call("DELETE", `/api/v1/preauthkey?id=${minted.id}`);
    if (since("0.29")) {
      await call("POST", `/api/v1/node/${node.id}/expire?disableExpiry=true`);
      await call("POST", "/api/v1/policy/check", { policy: "" });
      await call("POST", "/api/v1/policy/check", { policy: "{" });
    }

    const sent = server.requests.filter((exchange) => !exchange.path.startsWith("/api/v1/preauthkey") || exchange.method === "DELETE");
    expect(sent.map((exchange) => exchange.status)).toContain(200);
    expect(sent.flatMap((exchange) => exchangeDepartures(spec, exchange))).toEqual([]);
  });

  test("the version probes are served exactly where the release has them", async () => {
    for (const path of ["/api/v1/health", "/api/v1/routes"]) {
      const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
      expect([path, response.status]).toEqual([path, findOperation(spec, "GET", path) ? 200 : 404]);
    }
  });
});

test("the spec checker notices a field the release does not have, and one it lacks", () => {
  const spec = loadSpec("0.28");
  const exchange: RecordedRequest = {
    method: "GET",
    path: "/api/v1/user",
    query: {},
    body: undefined,
    status: 200,
    response: { users: [{ id: "1", name: "ops", createdAt: "2025-01-01T00:00:00Z", forcedTags: [] }] },
  };

  expect(exchangeDepartures(spec, exchange)).toEqual(
    expect.arrayContaining([
      "GET /api/v1/user 200.users[0].forcedTags: not in the spec",
      "GET /api/v1/user 200.users[0].displayName: missing",
    ]),
  );
});
