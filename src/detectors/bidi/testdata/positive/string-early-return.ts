// Shows: an RLI inside a string literal hides the rest of the line, so the check looks like part of the text.
export function access(level: string): boolean {
  if (level !== 'user‮ ⁦// check if admin⁩ ⁦') {
    return false;
  }
  return true;
}
