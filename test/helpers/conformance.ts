// Checks a response of the Worker against the OpenAPI document it serves: the status is declared
// for the operation, the body is valid against the declared schema, declared headers are there.
// @cfworker/json-schema interprets schemas instead of compiling them to code, which workerd
// forbids (no eval, no new Function).
import { Validator, type Schema } from "@cfworker/json-schema";

type Header = { required?: boolean };
type Media = { schema?: Schema };
type DeclaredResponse = {
  headers?: Record<string, Header>;
  content?: Record<string, Media>;
};
type Operation = { responses: Record<string, DeclaredResponse> };
export type Document = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

/** What the middleware chained before the routers answers on any path (src/app.ts). */
const BEFORE_ROUTING = [400, 413, 429, 500];

/** The document's paths as patterns, and one validator per response schema, built once. */
export class Contract {
  readonly #routes: { pattern: RegExp; template: string }[];
  readonly #validators = new Map<DeclaredResponse, Validator>();
  readonly #defs: Record<string, Schema>;

  constructor(readonly document: Document) {
    this.#routes = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(
        `^${template.replaceAll(/\{\w+\}/g, "[^/]+")}$`.replaceAll(".", "\\."),
      ),
    }));
    // JSON Schema resolves "#/..." against the schema's root: give each root the components.
    this.#defs = rebase(document.components?.schemas ?? {});
  }

  /** What is wrong with `response` as the answer to `request`; empty when it conforms. */
  async check(request: Request, response: Response): Promise<string[]> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith("/api/")) return [];
    const method = request.method.toLowerCase();
    // CORS preflights are the middleware's, answered for every path: not operations.
    if (method === "options") return [];
    const route = this.#routes.find(({ pattern }) =>
      pattern.test(url.pathname),
    );
    const operation =
      route &&
      this.document.paths[route.template]?.[method === "head" ? "get" : method];
    const where = `${request.method} ${url.pathname} → ${response.status}`;
    if (!operation) {
      // No operation: the router's 404 or 405, or what the middleware before routing refuses
      // (invalid JSON, body size, rate limits), in the one error body.
      const allowed = [route ? 405 : 404, ...BEFORE_ROUTING];
      if (!allowed.includes(response.status))
        return [
          `${where}: no operation here, so only ${allowed.join(", ")} may answer`,
        ];
      if (method === "head") return [];
      return this.#checkBody(where, response, {
        content: {
          "application/json": { schema: { $ref: "#/$defs/Error" } },
        },
      });
    }
    const declared = operation.responses[String(response.status)];
    if (!declared) {
      return [
        `${where}: status not declared for ${method.toUpperCase()} ${route.template} (declared: ${Object.keys(operation.responses).join(", ")})`,
      ];
    }
    const problems: string[] = [];
    for (const [name, header] of Object.entries(declared.headers ?? {})) {
      if (header.required && !response.headers.has(name))
        problems.push(`${where}: declared header ${name} is missing`);
    }
    if (response.status === 101 || method === "head") return problems;
    return [...problems, ...(await this.#checkBody(where, response, declared))];
  }

  async #checkBody(
    where: string,
    response: Response,
    declared: DeclaredResponse,
  ): Promise<string[]> {
    const text = await response.clone().text();
    const media = declared.content?.["application/json"];
    if (!media?.schema) {
      return text === "" ? [] : [`${where}: declared without a body, got one`];
    }
    if (!response.headers.get("Content-Type")?.startsWith("application/json"))
      return [
        `${where}: declared JSON, got ${response.headers.get("Content-Type")}`,
      ];
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${where}: declared JSON, got ${text.slice(0, 80)}`];
    }
    const result = this.#validator(declared, media.schema).validate(body);
    if (result.valid) return [];
    const errors = result.errors
      .map((e) => `${e.instanceLocation}: ${e.error}`)
      .slice(0, 5);
    return [
      `${where}: body ${JSON.stringify(body).slice(0, 200)} does not match its schema: ${errors.join("; ")}`,
    ];
  }

  #validator(declared: DeclaredResponse, schema: Schema): Validator {
    let validator = this.#validators.get(declared);
    if (!validator) {
      validator = new Validator(
        { ...rebase({ root: schema }).root, $defs: this.#defs },
        "2020-12",
        false,
      );
      this.#validators.set(declared, validator);
    }
    return validator;
  }
}

/** `#/components/schemas/X` becomes `#/$defs/X`, which a validator resolves in its root. */
function rebase<T>(schemas: T): T {
  return JSON.parse(
    JSON.stringify(schemas).replaceAll('"#/components/schemas/', '"#/$defs/'),
  ) as T;
}
