// SPDX-License-Identifier: GPL-3.0-or-later
//
// The DuckDB side of bench/measure.sh's peers section: the same questions
// as journey's, over the same events, in DuckDB's own SQL.
//
//   node bench/duckdb/bench.mjs EVENTS_CSV [RUNS]
//
// EVENTS_CSV has no header and the columns customer_id, microseconds since
// the Unix epoch (UTC), channel, event, value (empty = NULL): what
// measure.sh exports from the events table.  Every query runs once to warm
// up, then RUNS times (default 5), each as CREATE TEMP TABLE r AS <query>,
// so that every row and column is made (DuckDB drops aggregates that an
// outer count(*) would not read) and stays in memory; the figure is the
// best run.  Then the result's checksum is computed from r, untimed, in the
// same text form as measure.sh computes journey's.
//
// Prints one line per query, tab-separated: name, best ms, timed runs,
// checksum, every timed run's ms (comma-separated); a query that fails
// has \N for its times and 'ERROR: message' for its checksum, so the
// report shows it and the checksums differ.  Progress goes to stderr.
// BENCH_DUCKDB_THREADS sets DuckDB's threads (default: its own, one per
// core), BENCH_DUCKDB_MEMORY its memory_limit (default 8GB, a third of
// this shared machine, where DuckDB's own default is 80% of it).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, runsArg] = process.argv.slice(2);
if (!csv) {
	console.error('usage: node bench.mjs EVENTS_CSV [RUNS]');
	process.exit(2);
}
const runs = Number(runsArg ?? 5);
if (!Number.isInteger(runs) || runs < 1) {
	console.error(`bench.mjs: RUNS must be a positive integer, not ${runsArg}`);
	process.exit(2);
}

const funnelSteps = ['product_view', 'add_to_cart', 'checkout', 'purchase'];
const stepTable = (i) => `SELECT customer_id, ts FROM events WHERE event = '${funnelSteps[i]}'`;
const within = "INTERVAL '7 days'";

// Touchpoints labelled by channel, or 'purchase' for a purchase (the
// conversions), with grp = purchases before each, so that the touchpoints
// after purchase k and purchase k + 1 itself share grp = k: the groups
// journey_attribution credits by default.  Equal timestamps sort by label
// bytewise, as in a journey (DuckDB's default collation is binary).
const convEvents = `SELECT customer_id, ts, value, event = 'purchase' AS conv,
	CASE WHEN event = 'purchase' THEN 'purchase' ELSE channel END AS label FROM events`;
const convOrder = 'ORDER BY ts, label, value NULLS FIRST';
const convGroups = `SELECT customer_id, ts, value, label, conv,
	count(*) FILTER (WHERE conv) OVER (PARTITION BY customer_id ${convOrder} ROWS UNBOUNDED PRECEDING)
		- conv::int AS grp FROM (${convEvents}) e`;
const sessionNew = `CASE WHEN ts - lag(ts) OVER w > INTERVAL '30 minutes' OR lag(ts) OVER w IS NULL
	THEN 1 ELSE 0 END`;
const sessionW = 'WINDOW w AS (PARTITION BY customer_id ORDER BY ts)';

// Checksums: the same text as measure.sh's for journey (levels and their
// customers, labels and their credit to 6 decimals, ...).
const levels = `SELECT string_agg(level || ':' || n, ' ' ORDER BY level)
	FROM (SELECT level, count(*) AS n FROM r GROUP BY level) s`;
const credits = `SELECT string_agg(label || '=' || printf('%.6f', credit), ' ' ORDER BY label) FROM r`;

const queries = [
	{
		name: 'count',
		what: 'floor: count(*) GROUP BY customer_id',
		sql: 'SELECT customer_id, count(*) AS n FROM events GROUP BY 1',
		checksum: "SELECT count(*) || ' customers, ' || sum(n) || ' events' FROM r",
	},
	{
		// list_sort of the structs sorts by ts, then label, then value: the
		// same lists as list(... ORDER BY ts, event, value), 8 times faster
		// at 1M events, and the ordered aggregate ran out of 18.8 GB at 10M.
		name: 'list',
		what: 'build: list_sort(list({ts, label, value})) GROUP BY customer_id',
		sql: `SELECT customer_id, list_sort(list({'ts': ts, 'label': event, 'value': value})) AS j
			FROM events GROUP BY 1`,
		checksum: "SELECT count(*) || ' customers, ' || sum(len(j)) || ' events' FROM r",
	},
	{
		name: 'sessions',
		what: 'sessions: sum of LAG gaps over 30 minutes',
		sql: `SELECT sum(new) AS sessions FROM (SELECT ${sessionNew} AS new FROM events ${sessionW}) s`,
		checksum: 'SELECT sessions::text FROM r',
	},
	{
		name: 'session_number',
		what: 'session number of every event: LAG + running sum',
		sql: `SELECT customer_id, ts, sum(new) OVER (PARTITION BY customer_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS session
			FROM (SELECT customer_id, ts, ${sessionNew} AS new FROM events ${sessionW}) s`,
		checksum: "SELECT count(*) || ' rows, ' || sum(session) || ' session sum, ' || max(session) || ' max' FROM r",
	},
	{
		// The exact window funnel (the maximum over every start): from each
		// product view, the earliest next step at or after the step before
		// (ASOF joins) is the best chain from that start, and it reaches
		// level k when step k is at most 7 days after the start.
		name: 'funnel',
		what: 'funnel: ASOF joins from every start, max level per customer',
		sql: `WITH s1 AS (SELECT customer_id, ts AS t1 FROM events WHERE event = '${funnelSteps[0]}'),
			s2 AS (SELECT s1.*, b.ts AS t2 FROM s1 ASOF LEFT JOIN (${stepTable(1)}) b
				ON s1.customer_id = b.customer_id AND b.ts >= s1.t1),
			s3 AS (SELECT s2.*, c.ts AS t3 FROM s2 ASOF LEFT JOIN (${stepTable(2)}) c
				ON s2.customer_id = c.customer_id AND c.ts >= s2.t2),
			s4 AS (SELECT s3.*, d.ts AS t4 FROM s3 ASOF LEFT JOIN (${stepTable(3)}) d
				ON s3.customer_id = d.customer_id AND d.ts >= s3.t3),
			l AS (SELECT customer_id, max(CASE WHEN t4 <= t1 + ${within} THEN 4
					WHEN t3 <= t1 + ${within} THEN 3 WHEN t2 <= t1 + ${within} THEN 2 ELSE 1 END) AS level
				FROM s4 GROUP BY 1)
			SELECT c.customer_id, coalesce(l.level, 0) AS level
			FROM (SELECT DISTINCT customer_id FROM events) c LEFT JOIN l USING (customer_id)`,
		checksum: levels,
	},
	{
		name: 'top_paths',
		what: 'top paths: LAG to collapse repeats, string_agg, GROUP BY path, top 20',
		sql: `SELECT path, count(*) AS journeys FROM (
				SELECT customer_id, string_agg(channel, ' > ' ORDER BY ts, channel) AS path
				FROM (SELECT customer_id, ts, channel,
						lag(channel) OVER (PARTITION BY customer_id ORDER BY ts, channel) AS prev FROM events) e
				WHERE prev IS DISTINCT FROM channel GROUP BY customer_id) p
			GROUP BY path ORDER BY journeys DESC, path LIMIT 20`,
		checksum: `SELECT count(*) || ' paths, ' || sum(journeys) || ' journeys, md5 '
			|| left(md5(string_agg(path || '=' || journeys, ';' ORDER BY journeys DESC, path)), 12) FROM r`,
	},
	{
		name: 'first_touch',
		what: 'first touch: first touchpoint of each converting group',
		sql: `SELECT label, count(*)::DOUBLE AS credit FROM (
				SELECT label, conv, bool_or(conv) OVER g AS converted,
					row_number() OVER (g ${convOrder}) AS pos
				FROM (${convGroups}) t WINDOW g AS (PARTITION BY customer_id, grp)) s
			WHERE converted AND NOT conv AND pos = 1 GROUP BY label`,
		checksum: credits,
	},
	{
		name: 'last_touch',
		what: 'last touch: lag(label) at each purchase',
		sql: `SELECT prev AS label, count(*)::DOUBLE AS credit FROM (
				SELECT conv, lag(label) OVER w AS prev, lag(conv) OVER w AS prev_conv
				FROM (${convEvents}) e WINDOW w AS (PARTITION BY customer_id ${convOrder})) s
			WHERE conv AND NOT prev_conv GROUP BY prev`,
		checksum: credits,
	},
	{
		name: 'linear',
		what: 'linear: 1 / touchpoints of each converting group',
		sql: `SELECT label, sum(1 / n::DOUBLE) AS credit FROM (
				SELECT label, conv, count(*) FILTER (WHERE NOT conv) OVER g AS n, bool_or(conv) OVER g AS converted
				FROM (${convGroups}) t WINDOW g AS (PARTITION BY customer_id, grp)) s
			WHERE converted AND NOT conv GROUP BY label`,
		checksum: credits,
	},
	{
		// Monthly cohorts in UTC (the events' timestamps are UTC): each
		// customer counts once in every month it is active, by months since
		// its first.
		name: 'retention',
		what: 'monthly cohort retention: DISTINCT (customer, month), min per customer',
		sql: `SELECT strftime(cohort, '%Y-%m') AS cohort_label, datediff('month', cohort, m) AS period,
				count(*) AS journeys
			FROM (SELECT customer_id, m, min(m) OVER (PARTITION BY customer_id) AS cohort
				FROM (SELECT DISTINCT customer_id, date_trunc('month', ts) AS m FROM events) a) b
			GROUP BY 1, 2`,
		checksum: `SELECT count(*) || ' cells, ' || sum(journeys) || ' journey-months, md5 '
			|| left(md5(string_agg(cohort_label || ':' || period || ':' || journeys, ' '
				ORDER BY cohort_label, period)), 12) FROM r`,
	},
	{
		name: 'retention_raw',
		what: "retention(): bool_or of each day's condition per customer",
		sql: `SELECT customer_id, [c1::int, (c1 AND c2)::int, (c1 AND c3)::int] AS r FROM (
				SELECT customer_id, bool_or(ts::date = DATE '2024-03-01') AS c1,
					bool_or(ts::date = DATE '2024-03-02') AS c2, bool_or(ts::date = DATE '2024-03-08') AS c3
				FROM events GROUP BY 1) s`,
		checksum: "SELECT sum(r[1]) || ',' || sum(r[2]) || ',' || sum(r[3]) FROM r",
	},
];

const log = (msg) => console.error(`[${new Date().toISOString().slice(11, 19)}] duckdb: ${msg}`);

// Spills go to a directory of our own (an in-memory database's default
// is .tmp in the current directory).
const spill = mkdtempSync(join(tmpdir(), 'journey-duckdb.'));
process.on('exit', () => rmSync(spill, { recursive: true, force: true }));
const config = { memory_limit: process.env.BENCH_DUCKDB_MEMORY || '8GB', temp_directory: spill };
if (process.env.BENCH_DUCKDB_THREADS) config.threads = process.env.BENCH_DUCKDB_THREADS;
const instance = await DuckDBInstance.create(':memory:', config);
const conn = await instance.connect();
const scalar = async (sql) => {
	const rows = (await conn.runAndReadAll(sql)).getRows();
	if (rows.length !== 1 || rows[0].length !== 1)
		throw new Error(`expected one value from: ${sql}`);
	return String(rows[0][0]);
};

const t0 = performance.now();
// Rows in the file's order (measure.sh exports the events table as
// stored), timestamps as UTC TIMESTAMP: exact to the microsecond.
await conn.run(`CREATE TABLE events AS
	SELECT customer_id, make_timestamp(us) AS ts, channel, event, value
	FROM read_csv('${csv.replaceAll("'", "''")}', header = false, auto_detect = false,
		columns = {'customer_id': 'BIGINT', 'us': 'BIGINT', 'channel': 'VARCHAR',
				   'event': 'VARCHAR', 'value': 'DOUBLE'})`);
log(`${await scalar('SELECT count(*) FROM events')} events loaded in ${Math.round(performance.now() - t0)} ms, ` +
	`${await scalar('SELECT version()')}, ${await scalar("SELECT current_setting('threads')")} threads`);

for (const q of queries) {
	const times = [];
	let checksum;
	try {
		for (let run = 0; run <= runs; run++) {
			const start = performance.now();
			await conn.run(`CREATE OR REPLACE TEMP TABLE r AS ${q.sql}`);
			const ms = performance.now() - start;
			if (run > 0) times.push(ms);
		}
		checksum = await scalar(q.checksum);
		await conn.run('DROP TABLE r');
	} catch (e) {
		const msg = String(e.message ?? e).replace(/\s+/g, ' ').slice(0, 300);
		log(`${q.name}: FAILED: ${msg}`);
		console.log([q.name, '\\N', 0, `ERROR: ${msg}`, '\\N'].join('\t'));
		await conn.run('DROP TABLE IF EXISTS r');
		continue;
	}
	const best = Math.min(...times);
	log(`${q.name}: best ${best.toFixed(1)} ms of ${runs}; ${checksum}`);
	console.log([q.name, best.toFixed(3), runs, checksum, times.map((t) => t.toFixed(1)).join(',')].join('\t'));
}
