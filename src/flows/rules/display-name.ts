/**
 * The `displayName` pattern of SignUpOptions and the provider sign-in query (API.md §2.6): Unicode
 * letters, numbers and symbols, space, comma, period, apostrophe and hyphen; at least one
 * character. The string form is what the JSON-schema stage compiles (with the `u` flag).
 */
export const DISPLAY_NAME_PATTERN = "^[\\p{L}\\p{N}\\p{S} ,.'-]+$";

/** Schema maxLength of `displayName`, in code points, where the pattern applies. */
export const DISPLAY_NAME_MAX_LENGTH = 32;

const DISPLAY_NAME_REGEX = new RegExp(DISPLAY_NAME_PATTERN, 'u');

/** Whether `name` matches DISPLAY_NAME_PATTERN (the length limit is checked separately). */
export function matchesDisplayNamePattern(name: string): boolean {
  return DISPLAY_NAME_REGEX.test(name);
}
