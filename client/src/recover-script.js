import { recover } from './recover.js'

// /_livets/recover.js (dist/recover.js): what the user had entered, sent
// again to the fresh instance a rejoin after a drop mounts. The connector
// loads it from beside its own script as the socket opens again (the
// server is back, so the script can be fetched), and the rejoins'
// renders wait for it (index.js). The ES module bundle has it built in
// (esm.js).
window.LiveTS.recover = recover
