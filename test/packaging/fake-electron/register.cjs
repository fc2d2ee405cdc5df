/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: loaded with node -r */
// Loaded with `node -r` before out/app/main.cjs: makes require('electron') return the fake in
// ./electron.cjs (the Electron binary cannot be downloaded on these machines).
const Module = require('node:module');
const path = require('node:path');
const fake = path.join(__dirname, 'electron.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'electron') return fake;
  return resolve.call(this, request, ...rest);
};
