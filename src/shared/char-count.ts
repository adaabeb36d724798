/** Counted in code points, so an emoji is one character, as a person would count it. */
export const charCount = (value: string): number => [...value].length;
