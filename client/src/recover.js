import { ON_PREFIX, MODEL_EVENT } from './constants.js'
import { attrOf, payloadOf, withAttr, sendable, modelOf } from './events.js'

// After a rejoin the server has a fresh instance: tell it what the user
// had entered in `root`, as the ts-model and form change events would
// have, through the view's `event`. Returns the ts-model fields sent
// again. Part of recover.js (recover-script.js), which the connector loads
// as the socket opens again after a drop, holding the rejoins' renders
// until it has run (index.js).
export const recover = (root, event) => {
  const recovered = []
  for (const [field, value] of Object.entries(modelOf(root)))
    if (sendable(value)) recovered.push(field), event(MODEL_EVENT, { field, value }, root)
  for (const form of withAttr(root, ON_PREFIX + 'change'))
    if (form.localName == 'form') event(attrOf(form, ON_PREFIX + 'change').value, payloadOf(form, {}, form), form)
  return recovered
}
