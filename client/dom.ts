/** The element with this `data-testid`: the hooks are part of the page's contract (SPEC). */
export function byTestId<T extends HTMLElement = HTMLElement>(
  root: ParentNode,
  testId: string,
): T {
  const element = root.querySelector<T>(`[data-testid="${testId}"]`);
  if (!element) throw new Error(`missing [data-testid="${testId}"]`);
  return element;
}

/** Shows an error (or clears it with ""): each panel has one `role="alert"` line for this. */
export function showError(root: ParentNode, message: string): void {
  const line = root.querySelector(".error");
  if (line) line.textContent = message;
}
