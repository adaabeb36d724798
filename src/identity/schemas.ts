// The user name as routes take it: chat's routes and the sessions route.
import { z } from "@hono/zod-openapi";
import { parseUser, USER_RULE, USER_SCHEMA } from "./user-name";

/** Normalized here, so the name the identity seam compares is the name the room stores. */
export const User = z
  .string()
  .openapi({ description: USER_RULE, example: "ada", ...USER_SCHEMA })
  .transform((raw, ctx) => {
    const user = parseUser(raw);
    if ("problem" in user) {
      ctx.addIssue({ code: "custom", message: user.problem });
      return z.NEVER;
    }
    return user.display;
  });
