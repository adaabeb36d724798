/**
 * The confusable skeleton of a case-folded name, after Unicode TS #39 section 4: decompose
 * (NFD), replace each code point by its prototype, decompose again. Two names with one skeleton
 * look alike, so they are one name.
 *
 * The table is the part of TS #39's confusables.txt that can reach a folded name and look like
 * a Latin letter or digit: Cyrillic and Greek letters, the digits 0 and 1, and a few Latin and
 * IPA letters. It is small on purpose, and kept here rather than in a package: the npm packages
 * that carry confusables.txt ship Unicode 10 data (2017) without the TS #39 algorithm, or a
 * hand-made list that is not TS #39 at all. NFKC has already folded the rest of the look-alikes
 * a name can carry (fullwidth forms, mathematical letters, ligatures, superscripts).
 *
 * It departs from the file where case-insensitivity demands it. A name's key ignores case, and
 * TS #39 maps capital I to l, so after folding i, l and 1 are one letter: `AIice` (capital I)
 * and `Alice` look the same and get one key. Capital Cyrillic and Greek letters are folded
 * before this table, so each maps to the Latin letter its capital or small form looks like
 * (Cyrillic в to b, for В). A look-alike merged too eagerly costs someone a name they wanted;
 * one missed lets someone pass as another, so the table leans to merging.
 */
const PROTOTYPES: Record<string, string> = {
  // Digits and Latin letters that look like other Latin letters once case is gone.
  "0": "o",
  "1": "l",
  i: "l",
  "|": "l",
  ı: "l",
  ɩ: "l",
  ɪ: "l",
  m: "rn",
  ɑ: "a",
  ɡ: "g",
  // Cyrillic
  а: "a",
  в: "b",
  г: "r",
  е: "e",
  з: "3",
  і: "l",
  ј: "j",
  к: "k",
  м: "rn",
  н: "h",
  о: "o",
  п: "n",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  ь: "b",
  ѕ: "s",
  һ: "h",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  ӏ: "l",
  ү: "y",
  // Greek
  α: "a",
  β: "b",
  ε: "e",
  ζ: "z",
  η: "h",
  ι: "l",
  κ: "k",
  μ: "rn",
  ν: "n",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "y",
  χ: "x",
  ϲ: "c",
  ϳ: "j",
};

export function skeleton(folded: string): string {
  let mapped = "";
  for (const char of folded.normalize("NFD"))
    mapped += PROTOTYPES[char] ?? char;
  return mapped.normalize("NFD");
}
