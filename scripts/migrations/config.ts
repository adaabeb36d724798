import ts from "typescript";

export type Migration = {
  tag?: unknown;
  new_classes?: string[];
  new_sqlite_classes?: string[];
  renamed_classes?: { from: string; to: string }[];
  transferred_classes?: { from: string; from_script: string; to: string }[];
  deleted_classes?: string[];
};

export type ExportEntry = {
  type?: string;
  state?: string;
  renamed_to?: string;
};

export type DurableObjectBinding = {
  name: string;
  class_name: string;
  script_name?: string;
};

export type WorkerConfig = {
  name?: string;
  main?: string;
  migrations?: Migration[];
  exports?: Record<string, ExportEntry>;
  durable_objects?: { bindings?: DurableObjectBinding[] };
  env?: Record<string, WorkerConfig>;
  [field: string]: unknown;
};

/**
 * TypeScript's JSON parser reads JSONC (comments, trailing commas) from a string, which the
 * committed versions in git history need; wrangler's exported readers only take file paths.
 */
export function parseConfig(text: string, fileName: string): WorkerConfig {
  const parsed: { config?: unknown; error?: ts.Diagnostic } =
    ts.parseConfigFileTextToJson(fileName, text);
  const { config, error } = parsed;
  if (error) {
    const message = ts.flattenDiagnosticMessageText(error.messageText, " ");
    throw new Error(`${fileName} is not valid JSONC: ${message}`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new Error(`${fileName} does not hold a JSON object`);
  }
  return config as WorkerConfig;
}

export function migrationsOf(config: WorkerConfig): Migration[] {
  return Array.isArray(config.migrations) ? config.migrations : [];
}

export function durableObjectBindings(
  config: WorkerConfig,
): DurableObjectBinding[] {
  const bindings = config.durable_objects?.bindings;
  return Array.isArray(bindings) ? bindings : [];
}

/** The named environments plus the top level, which deploys as the plain Worker name. */
export function environments(
  config: WorkerConfig,
): { label: string; config: WorkerConfig }[] {
  const named = Object.entries(config.env ?? {}).map(([name, env]) => ({
    label: `env.${name}`,
    config: env,
  }));
  return [{ label: "the top level", config }, ...named];
}

export function tagOf(migration: Migration, index: number): string {
  return typeof migration.tag === "string" && migration.tag !== ""
    ? migration.tag
    : `entry ${index + 1}`;
}

/** The next free tag in the vN style, for messages that tell you what to append. */
export function nextTag(migrations: Migration[]): string {
  const numbers = migrations.map((m) =>
    typeof m.tag === "string" ? Number(/(\d+)$/.exec(m.tag)?.[1] ?? 0) : 0,
  );
  return `v${Math.max(0, ...numbers) + 1}`;
}
