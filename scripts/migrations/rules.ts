import {
  durableObjectBindings,
  environments,
  migrationsOf,
  nextTag,
  type WorkerConfig,
} from "./config.ts";
import { hasDurableObjectExports, type Ledger } from "./ledger.ts";
import type { WorkerCode } from "./worker-code.ts";

export function structureProblems(config: WorkerConfig): string[] {
  const problems: string[] = [];
  if (migrationsOf(config).length > 0 && hasDurableObjectExports(config)) {
    problems.push(
      `"migrations" and Durable Object "exports" are both set, and they are mutually exclusive ` +
        `(wrangler refuses the config). Keep the tagged migrations, or replace them with "exports" ` +
        `in one change as migrations.md ("The declarative exports field") describes.`,
    );
  }
  for (const [name, env] of Object.entries(config.env ?? {})) {
    for (const field of ["migrations", "exports"] as const) {
      if (env[field] === undefined) continue;
      problems.push(
        `env.${name} declares its own "${field}". Keep one class lifecycle at the top level: every ` +
          `environment inherits it and applies it once to its own namespaces. Remove env.${name}.${field}.`,
      );
    }
  }
  return problems;
}

export function tagProblems(config: WorkerConfig): string[] {
  const migrations = migrationsOf(config);
  const next = nextTag(migrations);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  let highest: { tag: string; n: number } | undefined;
  migrations.forEach((migration, index) => {
    const tag = migration.tag;
    if (typeof tag !== "string" || tag === "") {
      problems.push(
        `Migration entry ${index + 1} has no tag: give it a unique tag (${next}).`,
      );
      return;
    }
    const first = seen.get(tag);
    if (first !== undefined) {
      problems.push(
        `Migration tag ${tag} appears twice (entries ${first + 1} and ${index + 1}). A tag names one ` +
          `step forever and each environment runs it once: give the later entry the next free tag (${next}).`,
      );
      return;
    }
    seen.set(tag, index);
    const n = /(\d+)$/.exec(tag)?.[1];
    if (n === undefined) return;
    if (highest && Number(n) <= highest.n) {
      problems.push(
        `Migration tag ${tag} comes after ${highest.tag}: tags are out of order. Migrations run in ` +
          `array order, so append new tags at the end, numbered after the last one (${next}).`,
      );
    } else {
      highest = { tag, n: Number(n) };
    }
  });
  return problems;
}

export function bindingProblems(
  config: WorkerConfig,
  ledger: Ledger,
): string[] {
  const declarative =
    migrationsOf(config).length === 0 && hasDurableObjectExports(config);
  const problems: string[] = [];
  for (const { label, config: env } of environments(config)) {
    // A binding with script_name reaches another Worker's class; that Worker's config answers for it.
    for (const { name, class_name: cls, script_name } of durableObjectBindings(
      env,
    )) {
      if (script_name || ledger.live.has(cls)) continue;
      const fate = ledger.gone.get(cls);
      const binding = `${label === "the top level" ? "Binding" : `${label}: binding`} ${name} uses class ${cls}`;
      if (fate?.how === "deletes") {
        problems.push(
          `${binding}, which ${fate.step} deletes with every object's data. Cloudflare refuses that ` +
            `delete while a binding remains: remove the binding and its callers in an earlier deploy, ` +
            `or, if the class must stay and ${fate.step} has not reached main, drop ${cls} from it.`,
        );
      } else if (fate) {
        problems.push(
          `${binding}, which ${fate.step} ${fate.how}${fate.to ? ` to ${fate.to}` : ""}: point the binding at the class that now holds the objects.`,
        );
      } else if (declarative) {
        problems.push(
          `${binding}, which "exports" does not declare: add "${cls}": { "type": "durable-object", "storage": "sqlite" } to exports.`,
        );
      } else {
        problems.push(
          `${binding}, which no migration creates: append { "tag": "${nextTag(migrationsOf(config))}", ` +
            `"new_sqlite_classes": ["${cls}"] } to migrations and export the class from the Worker.`,
        );
      }
    }
  }
  return problems;
}

export function codeProblems(
  ledger: Ledger,
  main: string,
  code: WorkerCode,
): string[] {
  const problems: string[] = [];
  for (const [cls, origin] of ledger.live) {
    if (code.exported.has(cls)) continue;
    if (origin.how === "creates") {
      problems.push(
        `${origin.step} creates class ${cls}, but ${main} does not export it: export it from ${main}. ` +
          `A live class must be exported by every deploy until a deleted_classes tag removes it.`,
      );
    } else if (origin.how === "renames") {
      problems.push(
        `${origin.step} renames ${origin.from} to ${cls}, but ${main} does not export ${cls}: ` +
          `rename the class in code and export it as ${cls} in the same change; its objects keep their data under the new name.`,
      );
    } else {
      problems.push(
        `${origin.step} transfers ${origin.from} into ${cls}, but ${main} does not export ${cls}: ` +
          `export the class that receives the transferred objects as ${cls}.`,
      );
    }
  }
  for (const [cls, fate] of ledger.gone) {
    if (fate.how !== "deletes" || ledger.live.has(cls)) continue;
    const file = code.exported.has(cls) ? main : code.declaredClasses.get(cls);
    if (!file) continue;
    problems.push(
      `${fate.step} deletes class ${cls}, but ${file} still ${file === main ? "exports" : "declares"} it: ` +
        `remove the class and its callers in the same change as the deletion (after a deploy without its binding).`,
    );
  }
  return problems;
}
