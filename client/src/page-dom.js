import { ID_ATTR, TOKEN_ATTR } from './constants.js'
import { LAYOUT_ATTR } from './page-constants.js'

// What the page layer (live.js) and live navigation (navigate.js) both
// read of the page.
export const META = 'meta[name=csrf-token]'
export const ROOT = `[${ID_ATTR}]`
export const MAIN = `[${TOKEN_ATTR}]`
export const idOf = el => el.getAttribute(ID_ATTR)
export const here = () => location.pathname + location.search
export const hist = (url, replace) => history[replace ? 'replaceState' : 'pushState'](null, '', url)
export const layoutOf = doc => doc.body.getAttribute(LAYOUT_ATTR)
