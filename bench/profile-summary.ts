/**
 * Summarizes a V8 CPU profile (.cpuprofile, as `npm run bench -- --profile` writes them, or
 * `node --cpu-prof`): `npx tsx bench/profile-summary.ts <file> [rows]`.
 */
import { formatProfile, summarizeProfile } from './lib/profiler';

const [file, rows] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [rows]');
  process.exit(2);
}
const top = rows ? Number(rows) : 25;
console.log(formatProfile(file, summarizeProfile(file, top), top));
