// The page's own JavaScript for elements with ts-hook="...". This file is
// loaded from <head>, before the connector, so it defines window.LiveTS
// rather than adding to LiveTS.hooks (docs/directives.md, "ts-hook").
window.LiveTS = {
  ...window.LiveTS,
  hooks: {
    ...(window.LiveTS && window.LiveTS.hooks),
    // The count grows for a moment each time the server changes it.
    Bump: {
      updated() {
        this.el.classList.add('bump')
        clearTimeout(this.timer)
        this.timer = setTimeout(() => this.el.classList.remove('bump'), 150)
      },
      destroyed() {
        clearTimeout(this.timer)
      },
    },
  },
}
