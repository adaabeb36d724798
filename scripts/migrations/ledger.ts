import { migrationsOf, tagOf, type WorkerConfig } from "./config.ts";

/** How a class became live, and how a class that is no longer live went away. */
export type Origin = {
  step: string;
  how: "creates" | "renames" | "transfers";
  from?: string;
};
export type Fate = {
  step: string;
  how: "deletes" | "renames" | "transfers";
  to?: string;
};
export type Ledger = { live: Map<string, Origin>; gone: Map<string, Fate> };

export function hasDurableObjectExports(config: WorkerConfig): boolean {
  return Object.values(config.exports ?? {}).some(
    (e) => e?.type === "durable-object",
  );
}

/** Replays the tags in order, the way Cloudflare applies them to a fresh environment. */
export function replayMigrations(config: WorkerConfig): {
  ledger: Ledger;
  problems: string[];
} {
  const ledger: Ledger = { live: new Map(), gone: new Map() };
  const problems: string[] = [];
  const describe = (cls: string) => {
    const fate = ledger.gone.get(cls);
    return fate
      ? `${fate.step} already ${fate.how} it`
      : "no earlier migration creates it";
  };
  migrationsOf(config).forEach((m, index) => {
    const step = tagOf(m, index);
    for (const cls of [
      ...(m.new_classes ?? []),
      ...(m.new_sqlite_classes ?? []),
    ]) {
      const origin = ledger.live.get(cls);
      if (origin) {
        problems.push(
          `Migration ${step} creates ${cls}, which ${origin.step} already ${origin.how}: remove it from ${step}.`,
        );
        continue;
      }
      ledger.gone.delete(cls);
      ledger.live.set(cls, { step, how: "creates" });
    }
    for (const { from, to } of m.renamed_classes ?? []) {
      if (!ledger.live.has(from)) {
        problems.push(
          `Migration ${step} renames ${from}, but ${describe(from)}: rename a live class only.`,
        );
      } else if (ledger.live.has(to)) {
        problems.push(
          `Migration ${step} renames ${from} to ${to}, but ${to} already exists: pick a new class name.`,
        );
      } else {
        ledger.live.delete(from);
        ledger.gone.set(from, { step, how: "renames", to });
        ledger.gone.delete(to);
        ledger.live.set(to, { step, how: "renames", from });
      }
    }
    for (const { from, from_script, to } of m.transferred_classes ?? []) {
      if (ledger.live.has(to)) {
        problems.push(
          `Migration ${step} transfers ${from} into ${to}, but ${to} already exists here: pick a new class name.`,
        );
        continue;
      }
      ledger.gone.delete(to);
      ledger.live.set(to, {
        step,
        how: "transfers",
        from: `${from_script}'s ${from}`,
      });
    }
    for (const cls of m.deleted_classes ?? []) {
      if (!ledger.live.delete(cls)) {
        problems.push(
          `Migration ${step} deletes ${cls}, but ${describe(cls)}: remove it from ${step}.`,
        );
        continue;
      }
      ledger.gone.set(cls, { step, how: "deletes" });
    }
  });
  return { ledger, problems };
}

/** The declarative alternative: the map states the end result, tombstones record what went away. */
export function ledgerFromExports(config: WorkerConfig): Ledger {
  const ledger: Ledger = { live: new Map(), gone: new Map() };
  for (const [cls, entry] of Object.entries(config.exports ?? {})) {
    if (entry?.type !== "durable-object") continue;
    const step = `exports.${cls}`;
    if (entry.state === "deleted")
      ledger.gone.set(cls, { step, how: "deletes" });
    else if (entry.state === "renamed")
      ledger.gone.set(cls, { step, how: "renames", to: entry.renamed_to });
    else if (entry.state === "transferred")
      ledger.gone.set(cls, { step, how: "transfers" });
    else ledger.live.set(cls, { step, how: "creates" });
  }
  return ledger;
}
