#!/usr/bin/env node
// Completes package-lock.json with the optional, platform-specific packages (native builds for
// other operating systems and CPUs) that `npm install` leaves out when the registry it reaches
// does not serve them. npm 11's `npm ci` refuses a lock without them; on a machine of another
// platform npm skips these entries by their os/cpu, and on a matching one it fetches them.
// Idempotent: run it after every `npm install` (CI runs it before `npm ci`).
import fs from 'node:fs';

const PLATFORM_RE =
  /-(darwin|linux|win32|freebsd|android)-(arm64|x64|arm|ia32|ppc64|s390x|riscv64)(?:-(gnu|musl|gnueabihf|msvc))?$/;

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
const added = [];
for (const entry of Object.values(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const path = `node_modules/${name}`;
    if (packages[path]) continue;
    const stub = { version, optional: true };
    const m = PLATFORM_RE.exec(name);
    if (m) {
      stub.cpu = [m[2]];
      stub.os = [m[1]];
      if (m[3] === 'musl') stub.libc = ['musl'];
      if (m[3] === 'gnu') stub.libc = ['glibc'];
    }
    packages[path] = stub;
    added.push(`${name}@${version}`);
  }
}
if (added.length > 0) {
  lock.packages = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) =>
      a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
    ),
  );
  fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
  console.log(`completed ${file} with ${added.length} optional platform package(s)`);
}
