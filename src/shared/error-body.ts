/**
 * The one shape every error leaves in, from the Worker and from an object alike:
 * `{"error": {"code", "message"}}`. Hono-free, so objects can answer with it directly; the OpenAPI
 * schema in openapi.ts is pinned to this type at compile time.
 */
export type ErrorBody = { error: { code: string; message: string } };

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
