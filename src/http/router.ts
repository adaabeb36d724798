import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

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
    // Every path parameter is a name or an id of the same form; the API calls all of them
    // `invalid_name`, and the message says which one failed and how.
    const rule =
      issue?.code === "invalid_format" && issue.format === "regex"
        ? `must match ${issue.pattern}`
        : (issue?.message ?? "is invalid");
    return new ApiError(
      400,
      "invalid_name",
      `path parameter "${field}" ${rule}`,
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
