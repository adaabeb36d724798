// Vitest setup file: every response any test receives from the Worker is checked against the
// OpenAPI document the Worker serves, and a test that received one that does not conform fails.
// All of the suite's requests reach the Worker through `app.fetch` (the default export that
// `exports.default.fetch` calls, and the tests that call the app with another configuration), so
// wrapping it here covers the whole suite.
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { afterEach } from "vitest";
import { app } from "../../src/app";
import { Contract, type Document } from "./conformance";

const STATE = Symbol.for("openapi-conformance");
type State = { violations: string[]; contract: Promise<Contract> };
type Global = typeof globalThis & { [STATE]?: State };

/** The violations seen since the last call; the fixture test takes its own deliberate ones. */
export function takeViolations(): string[] {
  const state = (globalThis as Global)[STATE];
  return state ? state.violations.splice(0) : [];
}

/** The contract every response is checked against, built from the served document. */
export function contractInUse(): Promise<Contract> {
  const state = (globalThis as Global)[STATE];
  if (!state) throw new Error("the conformance setup file has not run");
  return state.contract;
}

// Setup files run before every test file, in a workerd the files share: the state is built
// once, and the app is wrapped once (a re-evaluated app module would be wrapped again).
const global = globalThis as Global;
const state: State = (global[STATE] ??= {
  violations: [],
  contract: (async () => {
    const res = await app.fetch(
      new Request("https://example.com/api/openapi.json"),
      env,
      createExecutionContext(),
    );
    return new Contract(await res.json<Document>());
  })(),
});
const WRAPPED = Symbol.for("openapi-conformance-wrapped");
const wrappable = app as typeof app & { [WRAPPED]?: true };
if (!wrappable[WRAPPED]) {
  wrappable[WRAPPED] = true;
  const original = app.fetch;
  app.fetch = async (request, ...rest) => {
    const response = await original(request, ...rest);
    try {
      const contract = await state.contract;
      state.violations.push(...(await contract.check(request, response)));
    } catch (error) {
      state.violations.push(
        `checking ${request.method} ${request.url}: ${String(error)}`,
      );
    }
    return response;
  };
}

afterEach(() => {
  const violations = takeViolations();
  if (violations.length > 0) {
    throw new Error(
      `responses that the OpenAPI document does not declare:\n  ${violations.join("\n  ")}`,
    );
  }
});
