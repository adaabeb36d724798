import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { durableObjectBindings, type WorkerConfig } from "./config.ts";

type Schema = {
  definitions: {
    RawEnvironment: {
      properties: Record<string, { description?: string }>;
    };
  };
};

/**
 * The fields an environment does not inherit, as the installed wrangler documents them in its
 * config schema, so a binding kind added to wrangler later is covered without a change here.
 * durable_objects is not marked there, but wrangler treats it the same way.
 */
export function notInheritedFields(): string[] {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve("wrangler/package.json"));
  const schema = JSON.parse(
    readFileSync(join(root, "config-schema.json"), "utf8"),
  ) as Schema;
  const fields = Object.entries(schema.definitions.RawEnvironment.properties)
    .filter(([, p]) => p.description?.includes("not automatically inherited"))
    .map(([field]) => field);
  return ["durable_objects", ...fields];
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object"
    ? (value as Record<string, unknown>)
    : {};
}

/** What an environment must repeat from a field: binding names, var names, secret names. */
function bindingNames(config: WorkerConfig, field: string): string[] {
  const value = config[field];
  if (value === undefined) return [];
  if (field === "durable_objects") {
    return durableObjectBindings(config).map(
      (b) => `${b.name} (class ${b.class_name})`,
    );
  }
  if (field === "vars" || field === "define") return Object.keys(record(value));
  if (field === "secrets") {
    const required = record(value).required;
    return Array.isArray(required) ? required.map(String) : [];
  }
  const items = Array.isArray(value)
    ? value
    : Object.values(record(value)).every(Array.isArray)
      ? Object.values(record(value)).flat() // queues: { producers: [...], consumers: [...] }
      : [value];
  return items.map((item) => {
    const fields = record(item);
    const name =
      fields.binding ?? fields.name ?? fields.queue ?? fields.service;
    return typeof name === "string" ? name : JSON.stringify(item);
  });
}

const KIND: Record<string, string> = {
  durable_objects: "Durable Object binding",
  vars: "var",
  define: "define",
  secrets: "required secret",
};

export function environmentProblems(config: WorkerConfig): string[] {
  const problems: string[] = [];
  const fields = notInheritedFields();
  for (const [name, env] of Object.entries(config.env ?? {})) {
    for (const field of fields) {
      const present = new Set(bindingNames(env, field));
      for (const binding of bindingNames(config, field)) {
        if (present.has(binding)) continue;
        const target =
          field === "durable_objects"
            ? "durable_objects.bindings"
            : field === "secrets"
              ? "secrets.required"
              : field;
        problems.push(
          `env.${name} lacks ${KIND[field] ?? `${field} binding`} ${binding}, which the top level has. ` +
            `"${field}" is not inherited by environments: add it to env.${name}.${target}` +
            (field === "secrets"
              ? ` and set it with \`wrangler secret put ${binding} --env ${name}\`.`
              : "."),
        );
      }
    }
  }
  return problems;
}
