// What to tell a user whose system lacks a library the core links. The
// dynamic loader only names the file ("libuv.so.1: cannot open shared
// object file"); a person needs the package that provides it.

/**
 * The system libraries liblivetscore.so links, by name before ".so", with
 * the Debian package that provides the version the core was built against.
 */
export const SYSTEM_LIBRARIES: ReadonlyMap<string, string> = new Map([
  ["libuv", "libuv1"],
  ["libhiredis", "libhiredis0.14"],
  ["libssl", "libssl3"],
  ["libcrypto", "libssl3"],
  ["libz", "zlib1g"],
  ["libstdc++", "libstdc++6"],
]);

/**
 * The sentence to add when `reason` (a failed require's message) says a
 * system library is missing, or null when it says something else.
 */
export function missingLibraryHint(reason: string): string | null {
  const match = /([\w.+-]+?)(\.so(?:\.[\d.]+)?): cannot open shared object file/.exec(reason);
  if (match === null) return null;
  const file = match[1] + match[2];
  if (match[1] === "liblivetscore") return `The package's own ${file} is missing: reinstall livets.`;
  const debian = SYSTEM_LIBRARIES.get(match[1]);
  if (debian === undefined) return `The system library ${file} is missing: install the package that provides it.`;
  return `The system library ${file} is missing: on Debian or Ubuntu, install it with \`apt-get install ${debian}\`.`;
}
