'use strict'
// livets/testing for resolvers that ignore package.json "exports".
module.exports = require('./dist/testing.js')
