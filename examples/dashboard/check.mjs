// Checks the built site (build/): every page has queries, and every query
// of every page returned at least one row when the site was prerendered.
//
// Evidence 39 writes, per page route R, build/api/<md5(R)>/<md5('')>/all-queries.json
// mapping "<query>_data" and "<query>_length" to Arrow files in
// build/api/prerendered_queries/ (the rows, and their count), and lists the
// page's queries in build/api/<R>/evidencemeta.json.  The pages come from
// build/api/pagesManifest.json.  Exits 1, naming each empty or missing
// query, if any.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';

const api = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'build', 'api');
const md5 = (s) => createHash('md5').update(s).digest('hex');
const readJSON = (p) => JSON.parse(readFileSync(p, 'utf8'));

if (!existsSync(join(api, 'pagesManifest.json'))) {
	console.error('dashboard check: no build/api/pagesManifest.json: was the site built?');
	process.exit(1);
}

const pages = [];
(function walk(node) {
	if (node.isPage) pages.push(node.href);
	for (const child of Object.values(node.children ?? {})) walk(child);
})(readJSON(join(api, 'pagesManifest.json')));

const failures = [];
let checked = 0;
for (const route of pages) {
	const meta = join(api, route === '/' ? '' : route, 'evidencemeta.json');
	const queries = existsSync(meta) ? readJSON(meta).queries.map((q) => q.id) : [];
	if (queries.length === 0) {
		failures.push(`${route}: the page has no queries`);
		continue;
	}
	const cacheFile = join(api, md5(route), md5(''), 'all-queries.json');
	const cache = existsSync(cacheFile) ? readJSON(cacheFile) : {};
	const summary = [];
	for (const id of queries) {
		const hash = cache[`${id}_data`];
		const file = hash && join(api, 'prerendered_queries', `${hash}.arrow`);
		if (!file || !existsSync(file)) {
			failures.push(`${route}: query ${id} has no prerendered result`);
			continue;
		}
		const rows = tableFromIPC(readFileSync(file)).numRows;
		summary.push(`${id} ${rows}`);
		checked++;
		if (rows === 0) failures.push(`${route}: query ${id} returned no rows`);
	}
	console.log(`dashboard check: ${route}: ${summary.join(', ')} rows`);
}

if (failures.length) {
	for (const f of failures) console.error(`dashboard check FAILED: ${f}`);
	process.exit(1);
}
console.log(`dashboard check: ${pages.length} pages, ${checked} queries, none empty`);
