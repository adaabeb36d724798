import { environments, type WorkerConfig } from "./config.ts";

const MODES = ["open", "verified"];

/**
 * Each deployable environment must say how chat users are identified, and verified mode needs
 * the signing secret declared, or every user action is refused (src/identity/identity.ts). Open mode
 * belongs on the `npm run dev` command line, so it is only noted when a config sets it.
 */
export function identityProblems(config: WorkerConfig): string[] {
  return environments(config).flatMap(({ label, config: env }) => {
    const vars = (env.vars ?? {}) as Record<string, unknown>;
    const mode = vars.IDENTITY_MODE;
    if (mode === undefined) return [];
    if (typeof mode !== "string" || !MODES.includes(mode)) {
      return [
        `${label} sets IDENTITY_MODE to ${JSON.stringify(mode)}: use "verified" (or "open" only for local development).`,
      ];
    }
    const secrets = (env.secrets as { required?: unknown } | undefined)
      ?.required;
    if (
      mode === "verified" &&
      !(Array.isArray(secrets) && secrets.includes("SESSION_SECRET"))
    ) {
      return [
        `${label} sets IDENTITY_MODE "verified" but does not require SESSION_SECRET: add it to ${label === "the top level" ? "" : `${label}.`}secrets.required and set it with \`wrangler secret put SESSION_SECRET${label === "the top level" ? "" : ` --env ${label.slice(4)}`}\`, or every chat user action is refused.`,
      ];
    }
    return [];
  });
}
