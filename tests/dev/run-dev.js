// Runs `livets dev` from this checkout's build, as the livets bin's `dev`
// subcommand does: node run-dev.js [dev options], in the app's folder.
const path = require('node:path')
const { runDev } = require(path.join(__dirname, '..', '..', 'node-binding', 'dist', 'dev', 'index.js'))

runDev(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(2)
  },
)
