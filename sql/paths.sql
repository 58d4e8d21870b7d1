-- Path analytics (DESIGN.md S10): transforms, top paths, transitions,
-- n-grams, next/previous steps, flows; checked by hand on small journeys
-- and against plain SQL on generated events.

-- Transforms.
CREATE TABLE pj (id int, j journey);
INSERT INTO pj VALUES
	(1, '[2024-01-01 00:00:00+00 search, 2024-01-01 00:01:00+00 search, 2024-01-01 00:02:00+00 direct, 2024-01-01 00:03:00+00 search, 2024-01-01 00:04:00+00 purchase 10]'),
	(2, '[2024-01-01 00:00:00+00 email, 2024-01-01 00:05:00+00 direct, 2024-01-01 00:06:00+00 direct]'),
	(3, '[2024-01-01 00:00:00+00 search, 2024-01-01 00:02:00+00 direct, 2024-01-01 00:04:00+00 purchase 20]'),
	(4, '[]');
SELECT id, journey_path(journey_collapse(j), collapse_repeats => false) AS collapsed,
	   journey_path(journey_first_occurrences(j), collapse_repeats => false) AS first_occurrences,
	   journey_path(journey_drop(j, '{direct}'), collapse_repeats => false) AS without_direct,
	   journey_path(journey_head(j, 2), collapse_repeats => false) AS head2, journey_path(journey_tail(j, 2), collapse_repeats => false) AS tail2,
	   journey_path(journey_until(j, 'purchase'), collapse_repeats => false) AS to_purchase,
	   journey_path(journey_until(j, 'purchase', false), collapse_repeats => false) AS before_purchase
FROM pj ORDER BY id;
SELECT journey_map(j, '{search,direct,email}', '{paid,organic,NULL}') FROM pj WHERE id = 1;
SELECT journey_map(j, '{search,search}', '{a,b}') FROM pj WHERE id = 1;
SELECT journey_map(j, '{search}', '{a,b}') FROM pj WHERE id = 1;
SELECT journey_head(j, -1), journey_tail(j, 0), journey_drop(j, '{}') = j AS same FROM pj WHERE id = 3;

-- Top paths (repeats collapsed by default); the (other) row reconciles.
SELECT path_counts(j) FROM pj;
SELECT * FROM top_paths((SELECT path_counts(j) FROM pj), 1);
SELECT * FROM top_paths((SELECT path_counts(j, false) FROM pj), 10);
SELECT * FROM top_paths((SELECT path_counts(j) FROM pj), 0);
-- Ties: rank is the row number, equal counts in the order of their labels
-- compared one by one bytewise (a path before its continuations, the empty
-- path first), so "rank <= k" is top_paths(counts, k) and a chart sorted
-- by rank is the same every time.
SELECT * FROM top_paths((SELECT path_counts(j) FROM (VALUES ('[2024-01-01 00:00:00+00 b]'::journey), ('[2024-01-01 00:00:00+00 b]'),
	('[2024-01-01 00:00:00+00 a, 2024-01-01 00:01:00+00 c]'), ('[2024-01-01 00:00:00+00 a, 2024-01-01 00:01:00+00 c]'),
	('[2024-01-01 00:00:00+00 a]'), ('[2024-01-01 00:00:00+00 a]'), ('[2024-01-01 00:00:00+00 B]'), ('[2024-01-01 00:00:00+00 B]'),
	('[2024-01-01 00:00:00+00 c]'), ('[]')) v(j)), 5);

-- Approximate top paths from a count-min sketch in bounded memory: upper
-- bounds of the counts (exact here, the sketch being roomy enough).
SELECT * FROM top_paths((SELECT path_counts_approx(j, 64) FROM pj), 3);
SELECT path_counts_approx(j, 16) FROM pj WHERE id = 2;

-- Transitions with (start) and (end); probabilities per from_label.
SELECT * FROM transitions((SELECT transition_counts(j) FROM pj));

-- N-grams.
SELECT * FROM ngrams((SELECT ngram_counts(j, 2) FROM pj));
SELECT * FROM ngrams((SELECT ngram_counts(j, 3, false) FROM pj));

-- Steps around the first 'direct' (journeys without it do not count).
SELECT * FROM path_steps((SELECT step_counts(j, 'direct', 2) FROM pj)) ORDER BY step, journeys DESC, label;
-- Rows come in time order of the steps (-n to -1, then 1 to n), each
-- step's labels most frequent first, ties (start) or (end) first, then
-- labels bytewise: step -1 before step 1, though c at step 1 is the most
-- frequent.
SELECT * FROM path_steps((SELECT step_counts(j, 'b', 1) FROM (VALUES ('[2024-01-01 00:00:00+00 a, 2024-01-01 00:01:00+00 b, 2024-01-01 00:02:00+00 c]'::journey),
	('[2024-01-01 00:00:00+00 a, 2024-01-01 00:01:00+00 b, 2024-01-01 00:02:00+00 c]'), ('[2024-01-01 00:00:00+00 y, 2024-01-01 00:01:00+00 b]'),
	('[2024-01-01 00:00:00+00 x, 2024-01-01 00:01:00+00 b, 2024-01-01 00:02:00+00 c]'), ('[2024-01-01 00:00:00+00 a]')) v(j)));

-- Flows from the start, from an anchor, and backward from the anchor.
SELECT * FROM flows((SELECT flow_counts(j, 3) FROM pj)) ORDER BY depth, journeys DESC, from_label, to_label;
SELECT * FROM flows((SELECT flow_counts(j, 2, 'direct') FROM pj)) ORDER BY depth, journeys DESC, from_label, to_label;
SELECT * FROM flows((SELECT flow_counts(j, 2, 'purchase', true) FROM pj)) ORDER BY depth, journeys DESC, from_label, to_label;
SELECT * FROM flows((SELECT flow_counts(j, 3) FROM pj), 2) ORDER BY depth, journeys DESC, from_label, to_label;
-- Unordered, rows go by depth, from_label, to_label ((other) and the
-- markers before labels, labels bytewise).  source and target are Sankey
-- node ids: the depth zero-padded to the digits of the deepest (10 here),
-- ': ', the label.  The empty journey (id 4) has no node, so it is not
-- counted (total=3; top_paths counts it as the empty path).
SELECT * FROM flows((SELECT flow_counts(j, 10) FROM pj));
SELECT flow_counts(j, 1) FROM pj;

-- Touchpoint health: a (values 4, 2) leads to b after 10 minutes and to c
-- after 30 seconds; b's session ends (gap over 30 minutes) and the journey
-- comes back at a.  Medians are bucket middles, within about 3%.
SELECT * FROM touchpoint_health((SELECT health_counts(j) FROM (VALUES
	('[2024-01-01 00:00:00+00 a 4, 2024-01-01 00:10:00+00 b, 2024-01-01 02:00:00+00 a 2, 2024-01-01 02:00:30+00 c 1]'::journey),
	('[2024-01-01 00:00:00+00 a]')) v(j)));
SELECT * FROM reentries((SELECT health_counts(j, '2 hours') FROM (VALUES
	('[2024-01-01 00:00:00+00 a, 2024-01-01 00:10:00+00 b, 2024-01-01 03:00:00+00 a, 2024-01-01 03:00:30+00 c, 2024-01-02 00:00:00+00 a]'::journey)) v(j)));

-- Text form round trip and rollup of parts.
SELECT v::text::transition_counts::text = v::text AS same FROM (SELECT transition_counts(j) AS v FROM pj) s;
SELECT v::text::step_counts::text = v::text AS same FROM (SELECT step_counts(j, 'direct', 2) AS v FROM pj) s;
SELECT path_counts_rollup(c)::text = (SELECT path_counts(j) FROM pj)::text AS same
FROM (SELECT id % 2, path_counts(j) AS c FROM pj GROUP BY 1) parts;

-- Against plain SQL on generated events.
CREATE TABLE gev AS
SELECT i % 300 AS customer,
	   '2024-01-01 00:00:00+00'::timestamptz + i * interval '1 minute' AS ts,
	   (ARRAY['search', 'email', 'social', 'direct', 'purchase'])[1 + ((i * 7919) % 31 + i % 7) % 5] AS label
FROM generate_series(1, 6000) i;
CREATE TABLE gj AS SELECT customer, journey_agg(ts, label) AS j FROM gev GROUP BY customer;

-- top paths = string_agg + GROUP BY (collapsing repeats with LAG)
SELECT count(*) AS paths, count(*) FILTER (WHERE t.journeys = s.journeys) AS same
FROM top_paths((SELECT path_counts(j) FROM gj), 1000) t
FULL JOIN (SELECT path, count(*) AS journeys
		   FROM (SELECT customer, string_agg(label, ' > ' ORDER BY ts) AS path
				 FROM (SELECT customer, ts, label, lag(label) OVER (PARTITION BY customer ORDER BY ts) AS prev FROM gev) e
				 WHERE prev IS DISTINCT FROM label GROUP BY customer) p
		   GROUP BY path) s USING (path)
WHERE t.rank IS NOT NULL OR s.path IS NOT NULL;

-- transitions = LEAD + GROUP BY (no collapsing)
SELECT count(*) AS pairs, count(*) FILTER (WHERE t.transitions = s.n) AS same
FROM transitions((SELECT transition_counts(j, false) FROM gj)) t
FULL JOIN (SELECT coalesce(label, '(start)') AS from_label, coalesce(next, '(end)') AS to_label, count(*) AS n
		   FROM (SELECT label, lead(label) OVER w AS next FROM gev WINDOW w AS (PARTITION BY customer ORDER BY ts)
				 UNION ALL
				 SELECT NULL, min(label) FILTER (WHERE first) FROM (SELECT customer, label, ts = min(ts) OVER (PARTITION BY customer) AS first FROM gev) f GROUP BY customer) x
		   GROUP BY 1, 2) s USING (from_label, to_label);

DROP TABLE pj, gev, gj;
