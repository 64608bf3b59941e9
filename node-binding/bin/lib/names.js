'use strict'
// What a view's name becomes: a file (kebab-case), a class (PascalCase), a
// route and a title. One function, so the generator and its tests agree.

const NAME = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/

/**
 * "UserProfile", "user-profile" or "user_profile" → {slug: "user-profile",
 * className: "UserProfile", route: "/user-profile", title: "User profile"};
 * throws with a sentence a person can act on for anything else.
 */
function viewNames(name) {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new Error(`a view name is letters and digits, words split by capitals, "-" or "_" (e.g. UserProfile or user-profile), not ${JSON.stringify(String(name))}`)
  }
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_ ]+/)
    .map((w) => w.toLowerCase())
  const className = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('')
  const slug = words.join('-')
  const title = words.join(' ').replace(/^./, (c) => c.toUpperCase())
  return { slug, className, route: `/${slug}`, title }
}

/** An npm package name from a folder name: lowercase, only the characters npm takes. */
function packageName(folder) {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '').slice(0, 214)
  return name === '' ? 'livets-app' : name
}

module.exports = { viewNames, packageName }
