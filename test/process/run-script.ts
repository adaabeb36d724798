// Runs one of the project's scripts as its npm script does, for tests of the checks themselves.
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname, "../..");

/** `node scripts/<script> …args` from the project root: its exit code and all it printed. */
export async function runScript(
  script: string,
  ...args: string[]
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(REPO, "scripts", script), ...args],
      { cwd: REPO, timeout: 280_000 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}
