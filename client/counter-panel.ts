import type { CounterBody } from "../src/counter/schemas";
import { api, describe, randomKey, withRetries } from "./api";
import { byTestId, showError } from "./dom";

const COUNTER = "page";

export function mountCounter(panel: HTMLElement): void {
  const value = byTestId(panel, "counter-value");
  const show = (body: CounterBody) => {
    value.textContent = String(body.value);
    showError(panel, "");
  };
  // The first read and every click run one after another, so the number shown is always the
  // latest stored value, never an older response that arrived late.
  let queue = withRetries(() => api<CounterBody>(`/api/counters/${COUNTER}`))
    .then(show)
    .catch((error) => {
      value.textContent = "?";
      showError(panel, `Could not load the counter: ${describe(error)}`);
    });
  const change = (direction: "increment" | "decrement") => {
    const key = randomKey();
    queue = queue
      .then(() =>
        withRetries(() =>
          api<CounterBody>(`/api/counters/${COUNTER}/${direction}`, {
            method: "POST",
            // A retry with the same key is applied once, however many times it reaches the server.
            headers: { "Idempotency-Key": key },
          }),
        ),
      )
      .then(show)
      .catch((error) => showError(panel, `Not saved: ${describe(error)}`));
  };
  byTestId(panel, "counter-increment").addEventListener("click", () =>
    change("increment"),
  );
  byTestId(panel, "counter-decrement").addEventListener("click", () =>
    change("decrement"),
  );
}
