/**
 * Who is online, from the welcome list and join/leave frames. Counted per name, because one
 * person may have the room open in two tabs: the name stays until the last tab leaves.
 */
export class Presence {
  #count = new Map<string, number>();

  reset(online: readonly string[]): void {
    this.#count.clear();
    for (const user of online) this.join(user);
  }

  join(user: string): void {
    this.#count.set(user, (this.#count.get(user) ?? 0) + 1);
  }

  leave(user: string): void {
    const count = (this.#count.get(user) ?? 0) - 1;
    if (count > 0) this.#count.set(user, count);
    else this.#count.delete(user);
  }

  names(): string[] {
    return [...this.#count.keys()].sort((a, b) => a.localeCompare(b));
  }
}
