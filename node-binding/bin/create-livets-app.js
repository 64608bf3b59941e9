#!/usr/bin/env node
'use strict'
// npx create-livets-app my-app, or node <livets>/bin/create-livets-app.js my-app
const { createApp } = require('./lib/create-app.js')

try {
  createApp(process.argv.slice(2))
} catch (err) {
  console.error(`create-livets-app: ${err.message}`)
  process.exit(1)
}
