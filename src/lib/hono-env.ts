import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { ApiError } from "./errors";

/** What one request records for its log line. */
export type RequestStats = { objectCalls: number; retries: number };

export type AppEnv = {
  Bindings: Env;
  Variables: { requestId: string; stats: RequestStats };
};

/** A sub-app whose validation failures all become the JSON error envelope. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.target, result.error);
    },
  });
}

function validationError(target: string, error: ZodError): ApiError {
  const issue = error.issues[0];
  const field = issue?.path.join(".") ?? "";
  if (target === "param") {
    return new ApiError(
      400,
      "invalid_name",
      `${field} must match ^[A-Za-z0-9_-]{1,64}$`,
    );
  }
  if (issue?.code === "unrecognized_keys") {
    return new ApiError(
      400,
      "unknown_field",
      `unknown field(s)${field ? ` in ${field}` : ""}: ${issue.keys.join(", ")}`,
    );
  }
  const where = field
    ? `${target === "json" ? "body" : target} field "${field}"`
    : `${target}`;
  return new ApiError(
    400,
    "invalid_request",
    `${where}: ${issue?.message ?? "invalid"}`,
  );
}
