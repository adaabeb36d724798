// The user name as routes take it: chat's routes and the sessions route.
import { z } from "@hono/zod-openapi";
import { cleanUser, USER_RULE, USER_SCHEMA } from "./user-name";

/** Trimmed here, so the name the identity seam compares is the name the room stores. */
export const User = z
  .string()
  .openapi({ description: USER_RULE, example: "ada", ...USER_SCHEMA })
  .transform((raw, ctx) => {
    const user = cleanUser(raw);
    if (user === null) {
      ctx.addIssue({ code: "custom", message: `must be ${USER_RULE}` });
      return z.NEVER;
    }
    return user;
  });
