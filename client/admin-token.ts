import { api, ApiFailure } from "./api";

// sessionStorage: the token lives as long as the tab, and is never written to disk or shared.
const STORAGE_KEY = "adminToken";

let prompt: Promise<string | null> | undefined;

/**
 * An admin API call. A deployed Worker answers 401 without `Authorization: Bearer <API_TOKEN>`;
 * then the page asks for the token and retries. Under `npm run dev` admin auth is off and the
 * question never comes up.
 */
export async function adminApi<T>(
  path: string,
  init: RequestInit = {},
  { ask = true }: { ask?: boolean } = {},
): Promise<T> {
  for (;;) {
    const token = sessionStorage.getItem(STORAGE_KEY);
    const headers = new Headers(init.headers);
    if (token !== null) headers.set("Authorization", `Bearer ${token}`);
    try {
      return await api<T>(path, { ...init, headers });
    } catch (error) {
      if (!(error instanceof ApiFailure) || error.status !== 401) throw error;
      if (!ask) throw error;
      // Another call may have stored a new token while this one was in flight.
      if (sessionStorage.getItem(STORAGE_KEY) !== token) continue;
      sessionStorage.removeItem(STORAGE_KEY);
      const given = await askForToken(
        token === null
          ? "The scheduler is an admin API on this deployment: enter its admin token (API_TOKEN)."
          : "That admin token was refused. Enter the right one.",
      );
      if (given === null) throw error;
      sessionStorage.setItem(STORAGE_KEY, given);
    }
  }
}

/** One question at a time, however many calls are waiting for the answer. */
function askForToken(reason: string): Promise<string | null> {
  prompt ??= new Promise<string | null>((resolve) => {
    const form = document.querySelector<HTMLFormElement>("#admin-token-form")!;
    const input = form.querySelector<HTMLInputElement>("input")!;
    const cancel = form.querySelector<HTMLButtonElement>("[data-cancel]")!;
    form.querySelector("[data-reason]")!.textContent = reason;
    input.value = "";
    form.hidden = false;
    input.focus();
    const done = (token: string | null) => {
      form.hidden = true;
      form.removeEventListener("submit", onSubmit);
      cancel.removeEventListener("click", onCancel);
      prompt = undefined;
      resolve(token);
    };
    const onSubmit = (event: SubmitEvent) => {
      event.preventDefault();
      const token = input.value.trim();
      if (token) done(token);
    };
    const onCancel = () => done(null);
    form.addEventListener("submit", onSubmit);
    cancel.addEventListener("click", onCancel);
  });
  return prompt;
}
