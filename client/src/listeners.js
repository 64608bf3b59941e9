// The page's LiveTS.on listeners of push events from the server (["v",
// id, event, payload]), which the hooks' script (hook-script.js) calls
// after the view's hooks. Here, in the connector, so a listener can be
// added before that script is loaded.
export const listeners = {}

// Returns the function that takes `cb` off again.
export const add = (map, name, cb) => {
  const list = (map[name] ||= [])
  list.push(cb)
  return () => list.includes(cb) && list.splice(list.indexOf(cb), 1)
}

// LiveTS.on(event, cb): cb(payload) for each push event of that name, whichever view sent it.
export const on = (name, cb) => add(listeners, name, cb)
