// An entry's name as shown after `archive!`. Nothing is ever extracted, so a hostile name cannot
// write anywhere; it is still normalised so that it cannot pose as another path: separators
// unified, `.` and empty segments dropped, `..` never above the archive's root, no leading `/`.

export function entryName(raw: string): string {
  const parts: string[] = [];
  for (const seg of raw.split(/[\\/]+/)) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return parts.join("/") || "(unnamed)";
}
