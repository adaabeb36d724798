import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors";

export const MAX_BODY_BYTES = 64 * 1024;

export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(
      413,
      "payload_too_large",
      `request bodies are limited to ${MAX_BODY_BYTES} bytes`,
    );
  },
});
