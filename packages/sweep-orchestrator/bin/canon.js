#!/usr/bin/env node
// A committed launcher, so `npm ci` links node_modules/.bin/canon before the first build.
import '../dist/cli.js';
