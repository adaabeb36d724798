import { describe, it } from "vitest";
import { allowedOrigins, isAllowedOrigin } from "../../src/http/origins";

const SELF = "https://chat.example.com/api/rooms/r/websocket";

describe("the origin allow list", () => {
  it("always allows the Worker's own origin, and nothing else by default", ({
    expect,
  }) => {
    expect(isAllowedOrigin("https://chat.example.com", SELF, {})).toBe(true);
    expect(isAllowedOrigin("https://other.example", SELF, {})).toBe(false);
    expect(
      isAllowedOrigin("http://chat.example.com", SELF, { ALLOWED_ORIGINS: "" }),
    ).toBe(false);
  });

  it("allows the configured origins, exactly, after normalizing them", ({
    expect,
  }) => {
    const config = {
      ALLOWED_ORIGINS:
        " HTTPS://App.Example.com:443/ , http://localhost:5173,,",
    };
    expect([...allowedOrigins(config)]).toEqual([
      "https://app.example.com",
      "http://localhost:5173",
    ]);
    expect(isAllowedOrigin("https://app.example.com", SELF, config)).toBe(true);
    expect(isAllowedOrigin("http://localhost:5173", SELF, config)).toBe(true);
    expect(isAllowedOrigin("http://localhost:5174", SELF, config)).toBe(false);
    expect(isAllowedOrigin("https://evil.app.example.com", SELF, config)).toBe(
      false,
    );
  });

  it("refuses values that are not http(s) origins", ({ expect }) => {
    const config = { ALLOWED_ORIGINS: "null, *, file:///tmp" };
    expect(allowedOrigins(config).size).toBe(0);
    for (const origin of ["null", "*", "file:///tmp", ""]) {
      expect(isAllowedOrigin(origin, SELF, config)).toBe(false);
    }
  });
});
