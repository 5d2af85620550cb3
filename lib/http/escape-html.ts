/** Text made safe inside HTML, attribute values included: the five characters that could end or open markup, as numeric references. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
