/**
 * Splits text at line breaks into pieces of at most `limit` characters (a single overlong line
 * is cut), for channels that cap a message's length. A long numbered list thus continues its
 * numbering in the next message.
 */
export function splitText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }
    if (current) pieces.push(current);
    let rest = line;
    while (rest.length > limit) {
      pieces.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    current = rest;
  }
  if (current || pieces.length === 0) pieces.push(current);
  return pieces;
}
