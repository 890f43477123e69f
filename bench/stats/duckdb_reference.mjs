// DuckDB reference for the statistics benchmark (issue 7, build/palermo_stats_bench).
//
// Usage: node bench/stats/duckdb_reference.mjs CSVDIR
//
// CSVDIR holds what palermo_stats_bench wrote: one CSV file per register (and per multi-valued
// field), and manifest.json with the tables' columns and types, the report's SQL statements in
// DuckDB's dialect (one per indicator and year) and the number of runs. This script loads the
// CSV files into an in-memory DuckDB database, runs every statement `runs` times and prints one
// JSON object on stdout:
//   {version, threads, load_ms, query_ms_runs, query_ms_median, per_query_ms_median,
//    totals: {key: total}, results: {key: [[dimension, category, value], ...]}}
// Result rows: ["", "", v] is the total counted from records, ["", "#imported", v] the imported
// aggregates, [dimension, category, v] a breakdown cell and [dimension, null, v] its "not recorded".
// Setup once: (cd bench/stats && npm ci).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/stats/duckdb_reference.mjs CSVDIR');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
const runs = Math.max(1, Number(manifest.runs ?? 3));

const options = {};
if (manifest.threads) options.threads = String(manifest.threads);
if (manifest.memory_limit) options.memory_limit = String(manifest.memory_limit);
const instance = await DuckDBInstance.create(':memory:', options);
const con = await instance.connect();

const quoteIdent = (s) => `"${String(s).replaceAll('"', '""')}"`;
const quoteText = (s) => `'${String(s).replaceAll("'", "''")}'`;

const loadStart = performance.now();
for (const t of manifest.tables) {
  const cols = t.columns.map(([name, type]) => `${quoteIdent(name)} ${type}`).join(', ');
  await con.run(`CREATE TABLE ${quoteIdent(t.name)} (${cols})`);
  const file = path.resolve(dir, t.file);
  await con.run(`COPY ${quoteIdent(t.name)} FROM ${quoteText(file)} (FORMAT csv, HEADER true, NULLSTR '')`);
}
const loadMs = performance.now() - loadStart;

const toNumber = (v) => (typeof v === 'bigint' ? Number(v) : v === null ? 0 : Number(v));

const runMs = [];
const perQuery = {};
let results = {};
for (let r = 0; r < runs; ++r) {
  const start = performance.now();
  const out = {};
  for (const q of manifest.queries) {
    const qs = performance.now();
    const reader = await con.runAndReadAll(q.sql);
    out[q.key] = reader.getRowsJS().map((row) => [row[0] ?? '', row[1] ?? null, toNumber(row[2])]);
    (perQuery[q.key] ??= []).push(performance.now() - qs);
  }
  runMs.push(performance.now() - start);
  results = out;
}

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n === 0 ? 0 : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
};

const totals = {};
for (const [key, rows] of Object.entries(results)) {
  let total = 0;
  for (const [dim, cat, v] of rows) if (dim === '' && (cat === '' || cat === '#imported')) total += v;
  totals[key] = total;
}
const perQueryMedian = {};
for (const [key, xs] of Object.entries(perQuery)) perQueryMedian[key] = median(xs);

const info = (await con.runAndReadAll("SELECT version(), current_setting('threads')")).getRowsJS()[0];
process.stdout.write(
  JSON.stringify({
    version: String(info[0]),
    threads: toNumber(info[1]),
    load_ms: loadMs,
    query_ms_runs: runMs,
    query_ms_median: median(runMs),
    per_query_ms_median: perQueryMedian,
    totals,
    results,
  }) + '\n',
);
