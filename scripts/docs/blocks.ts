/** Fenced code blocks and relative links of a Markdown file, for the docs check and its tests. */

export type Block = {
  /** The info string's first word: `ts`, `sh`, `jsonc`, … ("" when none). */
  lang: string;
  /** The rest of the info string: `nocheck: <reason>`, `run`, `norun: <reason>`. */
  info: string;
  /** 1-based line of the first line inside the fence. */
  line: number;
  code: string;
};

export const TS_LANGS = new Set(["ts", "typescript"]);
export const SHELL_LANGS = new Set(["sh", "bash", "shell", "console"]);
/** A shell block that calls the local API: it must be run by a test or say why not. */
export function callsLocalApi(code: string): boolean {
  const commands = code.replace(/(^|\s)#.*$/gm, "");
  return /\b(localhost|127\.0\.0\.1):8787\b/.test(commands);
}

export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent = "", fence = "", lang = "", info = ""] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) {
      const text = lines[j];
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text);
      j++;
    }
    blocks.push({
      lang,
      info: info.trim(),
      line: i + 2,
      code: body.join("\n"),
    });
    i = j;
  }
  return blocks;
}

/** The text outside fenced blocks, with line numbers kept (fenced lines become empty). */
export function prose(markdown: string): string {
  const lines = markdown.split("\n");
  let fence: string | null = null;
  return lines
    .map((text) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
      if (fence === null && marker) {
        fence = marker;
        return "";
      }
      if (fence !== null) {
        if (text.trimStart().startsWith(fence)) fence = null;
        return "";
      }
      return text;
    })
    .join("\n");
}

export type Link = { target: string; line: number };

/** Inline links and images outside code: `[text](target)`. */
export function links(markdown: string): Link[] {
  const found: Link[] = [];
  prose(markdown)
    .split("\n")
    .forEach((text, index) => {
      const withoutCode = text.replace(/`[^`]*`/g, "``");
      for (const match of withoutCode.matchAll(
        /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
      )) {
        found.push({ target: match[1], line: index + 1 });
      }
    });
  return found;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const text of prose(markdown).split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}
