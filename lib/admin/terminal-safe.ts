/**
 * Text as a terminal may print it: every control character (C0 with tab and newline, DEL, C1
 * with the ANSI escape) written out as `\t`, `\n`, `\r` or `\u001b`. Names and emails come from
 * the IdP: raw, a tab or newline would forge a row of the CLI's table, an escape sequence
 * rewrite the screen. A backslash is doubled, so the output reads back unambiguously.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\\\u0000-\u001f\u007f-\u009f]/g, (character) => {
    if (character === "\\") return "\\\\";
    if (character === "\t") return "\\t";
    if (character === "\n") return "\\n";
    if (character === "\r") return "\\r";
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
