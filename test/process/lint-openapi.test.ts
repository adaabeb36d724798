import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runScript } from "./run-script.ts";

type Operation = {
  operationId?: string;
  security?: unknown[];
  parameters?: { in: string; example?: unknown }[];
  requestBody?: { content: Record<string, { example?: unknown }> };
};
type Document = { paths: Record<string, Record<string, Operation>> };

/** The real command line, as `npm run check:openapi` runs it. */
const lint = (...args: string[]) => runScript("lint-openapi.ts", ...args);

describe("the OpenAPI linter in npm run check", () => {
  let dir: string;
  let served: Document;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "lint-openapi-"));
    const printed = await lint("--print");
    assert.equal(printed.code, 0, printed.output);
    served = JSON.parse(printed.output) as Document;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("passes the document the Worker serves", async () => {
    const { code, output } = await lint();
    assert.equal(code, 0, output);
  });

  test("fails an operation without operationId, security or examples", async () => {
    const broken = structuredClone(served);
    const read = broken.paths["/api/counters/{name}"].get;
    delete read.operationId;
    delete read.security;
    delete read.parameters![0].example;
    const post = broken.paths["/api/rooms/{room}/messages"].post;
    delete post.requestBody!.content["application/json"].example;
    const file = join(dir, "broken.json");
    await writeFile(file, JSON.stringify(broken));
    const { code, output } = await lint("--file", file);
    assert.equal(code, 1, output);
    for (const rule of [
      "operation-operationId",
      "rule/explicit-security",
      "rule/path-parameter-example",
      "rule/request-body-example",
    ]) {
      assert.match(output, new RegExp(rule), rule);
    }
  });
});
