-- Path statistics: properties and bad input.
BEGIN;
SELECT plan(43);

-- true if the text is refused as path counts with a data exception
CREATE FUNCTION pg_temp.refused(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	PERFORM v::path_counts;
	RETURN false;
EXCEPTION WHEN data_exception THEN
	RETURN SQLERRM LIKE 'invalid path counts of kind %';
END $$;

\ir random_journeys.psql
SELECT pg_temp.random_journeys('rj', 0.31, 400, ARRAY['search', 'email', 'social', 'direct', 'purchase', 'a "quoted" one'], 1e6, 12);

SELECT is((SELECT sum(journeys)::bigint FROM top_paths((SELECT path_counts(j) FROM rj), 5)), 400::bigint,
		  'top paths plus (other) add up to the number of journeys');
SELECT is((SELECT sum(journeys)::bigint FROM top_paths((SELECT path_counts(j) FROM rj), 100000)), 400::bigint,
		  'all paths add up to the number of journeys');
SELECT ok((SELECT bool_and(t.journeys = s.n) FROM top_paths((SELECT path_counts(j, false) FROM rj), 100000) t
		   JOIN (SELECT journey_path(j, collapse_repeats => false) AS path, count(*) AS n FROM rj GROUP BY 1) s USING (path)),
		  'path counts equal GROUP BY journey_path');
SELECT set_eq($$SELECT path, journeys FROM top_paths((SELECT path_counts(j) FROM rj), 100000) WHERE rank IS NOT NULL$$,
			  $$SELECT journey_path(j), count(*) FROM rj GROUP BY 1$$,
			  'path_counts and journey_path collapse repeats alike by default');
SELECT ok((SELECT bool_and(abs(p - 1) < 1e-12) FROM (SELECT sum(probability) AS p FROM transitions((SELECT transition_counts(j) FROM rj)) GROUP BY from_label) s),
		  'transition probabilities out of each state sum to 1');
SELECT is((SELECT sum(transitions)::bigint FROM transitions((SELECT transition_counts(j, false) FROM rj))),
		  (SELECT sum(journey_length(j) + 1)::bigint FROM rj),
		  'a journey of n touchpoints makes n + 1 transitions');
SELECT is((SELECT sum(occurrences)::bigint FROM ngrams((SELECT ngram_counts(j, 3, false) FROM rj))),
		  (SELECT sum(greatest(journey_length(j) - 2, 0))::bigint FROM rj),
		  'a journey of n touchpoints has n - 2 trigrams');
SELECT ok((SELECT bool_and(n = (SELECT count(*) FROM rj WHERE j ? 'purchase'))
		   FROM (SELECT step, sum(journeys) AS n FROM path_steps((SELECT step_counts(j, 'purchase', 3) FROM rj)) WHERE step IN (-1, 1) GROUP BY step) s),
		  'every journey with the anchor has one label right before and after it');
SELECT ok((SELECT path_counts(j ORDER BY random())::text = (SELECT path_counts(j) FROM rj)::text FROM rj),
		  'path_counts does not depend on input order');
SELECT ok((SELECT flow_counts(j, 4, 'email', true)::text::flow_counts::text = flow_counts(j, 4, 'email', true)::text
			  AND ngram_counts(j, 2)::text::ngram_counts::text = ngram_counts(j, 2)::text FROM rj),
		  'text output reads back to the same value');
SELECT is((SELECT sum(journeys)::bigint FROM flows((SELECT flow_counts(j, 3) FROM rj), 1000) WHERE depth = 1),
		  (SELECT count(*) FROM rj WHERE journey_length(j) > 0),
		  'folding every node into (other) keeps the journeys');

-- What a BI tool charts as it is: top_paths ranks, path_steps' row order,
-- flows' node ids.
SELECT ok((SELECT bool_and(rank = ord AND rank = rn)
		   FROM (SELECT rank, ord, row_number() OVER (ORDER BY journeys DESC, labels COLLATE "C") AS rn
				 FROM top_paths((SELECT path_counts(j) FROM rj), 100000) WITH ORDINALITY t(rank, path, labels, journeys, share, ord)) s),
		  'top_paths: rank is the row number, by journeys descending, ties by labels bytewise');
SELECT set_eq($$SELECT rank, path, journeys FROM top_paths((SELECT path_counts(j) FROM rj), 7) WHERE rank IS NOT NULL$$,
			  $$SELECT rank, path, journeys FROM top_paths((SELECT path_counts(j) FROM rj), 100000) WHERE rank <= 7$$,
			  'top_paths(c, k) is top_paths(c, n) where rank <= k');
SELECT ok((SELECT bool_and(ord = rn)
		   FROM (SELECT ord, row_number() OVER (ORDER BY step, journeys DESC, label NOT IN ('(start)', '(end)'), label COLLATE "C") AS rn
				 FROM path_steps((SELECT step_counts(j, 'email', 3) FROM rj)) WITH ORDINALITY t(step, label, journeys, share, ord)) s),
		  'path_steps: rows by step, then journeys descending, markers then labels bytewise');
SELECT is((SELECT count(*) FROM flows((SELECT flow_counts(j, 3) FROM rj), 5)
		   WHERE source IS DISTINCT FROM (depth - 1) || ': ' || from_label OR target IS DISTINCT FROM depth || ': ' || to_label),
		  0::bigint, 'forward flows: source is depth - 1 || '': '' || from_label, target depth || '': '' || to_label');
SELECT is((SELECT count(*) FROM flows((SELECT flow_counts(j, 3, 'purchase', true) FROM rj), 5)
		   WHERE source IS DISTINCT FROM depth || ': ' || to_label OR target IS DISTINCT FROM (depth - 1) || ': ' || from_label),
		  0::bigint, 'backward flows: source is the earlier touchpoint depth || '': '' || to_label, target (depth - 1) || '': '' || from_label');
CREATE TEMP TABLE deep AS SELECT * FROM flows((SELECT flow_counts(j, 12) FROM rj));
SELECT is((SELECT count(*) FROM deep
		   WHERE source IS DISTINCT FROM lpad((depth - 1)::text, 2, '0') || ': ' || from_label
			  OR target IS DISTINCT FROM lpad(depth::text, 2, '0') || ': ' || to_label),
		  0::bigint, 'flows deeper than 9: depths zero-padded to two digits');
SELECT ok((SELECT bool_and(a.source COLLATE "C" < b.source COLLATE "C" AND a.target COLLATE "C" < b.target COLLATE "C")
		   FROM deep a JOIN deep b ON a.depth < b.depth),
		  'node ids sort as text in depth order');
SELECT is((SELECT flow_counts(j, 4)::text FROM rj), (SELECT flow_counts(j, 4)::text FROM rj WHERE journey_length(j) > 0),
		  'empty journeys do not count in flows');
SELECT ok((SELECT count(*) FROM rj WHERE journey_length(j) = 0) > 0, 'there are empty journeys to leave out');

-- Approximate top paths (count-min sketch of prefixes).
SELECT ok((SELECT bool_and(a.journeys >= e.journeys)
		   FROM top_paths((SELECT path_counts_approx(j, 64) FROM rj), 15) a
		   JOIN top_paths((SELECT path_counts(j) FROM rj), 100000) e USING (path)),
		  'sketch estimates never undercount');
SELECT ok((SELECT count(*) = 15 FROM top_paths((SELECT path_counts_approx(j, 64) FROM rj), 15) WHERE rank IS NOT NULL),
		  'a small sketch still names 15 paths');
SELECT set_eq($$SELECT path, journeys FROM top_paths((SELECT path_counts_approx(j, 100000) FROM rj), 10) WHERE rank IS NOT NULL$$,
			  $$SELECT path, journeys FROM top_paths((SELECT path_counts(j) FROM rj), 10) WHERE rank IS NOT NULL$$,
			  'a roomy sketch gives the exact top paths');
SELECT ok((SELECT path_counts_approx(j, 32 ORDER BY random())::text = (SELECT path_counts_approx(j, 32) FROM rj)::text FROM rj),
		  'the sketch does not depend on input order');
SELECT ok((SELECT path_counts_approx_rollup(p)::text = (SELECT path_counts_approx(j, 32) FROM rj)::text
		   FROM (SELECT path_counts_approx(j, 32) AS p FROM rj GROUP BY id % 3) parts)
		  AND (SELECT v::text::path_counts::text = v::text FROM (SELECT path_counts_approx(j, 32) AS v FROM rj) s),
		  'sketches combine by adding and read back from text');
SELECT throws_ok($$SELECT path_counts_approx(j, 8) FROM rj$$, '22023', 'capacity must be between 16 and 1000000', 'capacity out of range');

-- Touchpoint health against plain SQL.
CREATE TEMP TABLE rows AS
SELECT id, u.*, lead(u.ts) OVER (PARTITION BY id ORDER BY u.ordinality) - u.ts AS gap,
	   u.ordinality = journey_length(j) AS last
FROM rj, journey_unnest(j) u;
SELECT ok((SELECT bool_and(h.journeys = s.journeys AND h.touchpoints = s.touchpoints AND h.exits = s.exits)
		   FROM touchpoint_health((SELECT health_counts(j) FROM rj)) h
		   JOIN (SELECT label, count(DISTINCT id) AS journeys, count(*) AS touchpoints, count(*) FILTER (WHERE last) AS exits
				 FROM rows GROUP BY label) s USING (label)),
		  'journeys, touchpoints and exits per label equal plain SQL');
SELECT ok((SELECT bool_and(abs(extract(epoch FROM h.median_time_to_next) - extract(epoch FROM s.m)) <= 0.032 * extract(epoch FROM s.m))
		   FROM touchpoint_health((SELECT health_counts(j) FROM rj)) h
		   JOIN (SELECT label, percentile_disc(0.5) WITHIN GROUP (ORDER BY gap) AS m FROM rows WHERE gap IS NOT NULL GROUP BY label) s USING (label)),
		  'median time to the next touchpoint is within 3.2% of the exact lower median');
SELECT is((SELECT sum(dropouts) FROM touchpoint_health((SELECT health_counts(j, '1 day') FROM rj))),
		  (SELECT count(*)::numeric FROM rows WHERE gap > interval '1 day'),
		  'drop-outs are the gaps longer than the session timeout');
SELECT is((SELECT sum(occurrences) FROM reentries((SELECT health_counts(j, '1 day') FROM rj))),
		  (SELECT sum(dropouts) FROM touchpoint_health((SELECT health_counts(j, '1 day') FROM rj))),
		  'every drop-out has its re-entry');

SELECT throws_ok($$SELECT * FROM transitions((SELECT path_counts(j) FROM rj))$$, '42883', NULL, 'reader of another summary type');
SELECT throws_ok($$SELECT * FROM transitions((SELECT transition_counts(j) FROM rj)::text::path_counts)$$, '42883', NULL,
				 'no implicit cast from path_counts to another summary type');
SELECT throws_ok($$SELECT * FROM top_paths((SELECT transition_counts(j) FROM rj)::text::path_counts)$$, '22023',
				 'top_paths cannot read a summary of kind transitions', 'a path_counts value of another kind is refused by top_paths');
SELECT throws_ok($$SELECT path_counts_rollup(c) FROM (SELECT path_counts(j) AS c FROM rj UNION ALL SELECT transition_counts(j)::text::path_counts FROM rj) s$$,
				 '22023', 'path counts of different kinds or parameters cannot be combined', 'rollup of different kinds (path_counts values stored before 0.4.0)');
SELECT throws_ok($$SELECT ngram_counts(j, id % 2 + 1) FROM rj$$, '22023', NULL, 'parameters that change from row to row');
SELECT throws_ok($$SELECT ngram_counts(j, 0) FROM rj$$, '22023', 'n must be between 1 and 100', 'n out of range');
SELECT throws_ok($$SELECT step_counts(j, NULL, 2) FROM rj$$, '22004', 'anchor must not be NULL', 'NULL anchor');
SELECT throws_ok($$SELECT * FROM top_paths((SELECT path_counts(j) FROM rj), -1)$$, '22023', NULL, 'negative number of paths');
SELECT throws_ok($$SELECT 'paths collapse=2 param=0 total=1 []'::path_counts$$, '22P02', NULL, 'malformed text');
SELECT ok((SELECT path_counts(j) FROM rj WHERE false) IS NULL, 'no journeys give NULL');

-- Crafted values whose keys have a shape no aggregate makes (readers index
-- arrays by label and position) are refused on input, kind by kind.
SELECT is((SELECT string_agg(v, ' | ') FROM unnest(ARRAY[
		'paths collapse=1 param=0 total=1 [1 @3 "a"]',
		'transitions collapse=0 param=0 total=1 [5 @0 "a"]',
		'steps collapse=1 param=2 anchor="x" total=1 [1 @1 "a" "b"]',
		'flows collapse=1 param=3 total=1 [1 @0 "a" "b"]',
		'markov collapse=1 param=2 total=1 [1 @0 "a"]',
		'markov collapse=1 param=11 total=1 [1 @0 (start) "a"]',
		'health collapse=0 param=1800 total=1 [5 @-1000 "a"]',
		'health collapse=0 param=1800 total=1 [5 @0 (start)]',
		'health collapse=0 param=1800 total=1 [5 @3 "a"]',
		'health collapse=0 param=1800 total=1 [5 @2020 "a"]',
		'funnel collapse=0 param=2 anchor="within=1;gap=0;modes=0;steps=1:a;exclude=" total=1 [1 @0]',
		'funnel collapse=0 param=1 anchor="within=1;gap=0;modes=0;steps=9:a;exclude=" total=1 [1 @0]',
		'funnel collapse=0 param=1 anchor="within=1;gap=0;modes=0;steps=1:a;exclude=" total=1 [1 @2]',
		'cohorts collapse=0 param=86400 total=1 [1 @0 (null)]',
		'shapley collapse=1 param=0 total=1 [5 @7 "a"]',
		'shapley collapse=1 param=0 total=1 [5 @0 (start) "a"]',
		'credits collapse=0 param=1 anchor="7" total=1 [1 @0 "a"]']) v
		   WHERE NOT pg_temp.refused(v)),
		  NULL, 'every kind refuses keys of a shape its readers cannot read');

-- Crafted values whose counts break what every builder guarantees (sums
-- against the total, parts within their whole, markers where a builder
-- puts them) are refused too, kind by kind.
SELECT is((SELECT string_agg(v, ' | ') FROM unnest(ARRAY[
		'paths collapse=0 param=0 total=1 [5 @0 "a"]',
		'paths collapse=0 param=0 total=3 [1 @0 "a"]',
		'paths collapse=0 param=0 total=1 [1 @0 (end)]',
		'paths collapse=0 param=0 total=1 value=2 [1 @0 "a"]',
		'transitions collapse=0 param=0 total=1 [1 @0 (start) "a"]',
		'transitions collapse=0 param=0 total=1 [1 @0 (start) "a", 1 @0 "a" (end), 1 @0 (end) "a"]',
		'ngrams collapse=0 param=2 total=1 [1 @0 "a"]',
		'ngrams collapse=0 param=101 total=1 []',
		'ngrams collapse=0 param=1 total=1 [1 @0 (start)]',
		'steps collapse=0 param=2 total=1 [1 @1 "a"]',
		'steps collapse=0 param=2 anchor="x" total=1 [2 @1 "a"]',
		'steps collapse=0 param=2 anchor="x" total=1 [1 @3 "a"]',
		'steps collapse=0 param=2 anchor="x" total=1 [1 @1 (start)]',
		'flows collapse=1 param=2 total=1 [1 @1 "a" "b", 1 @1 "a" "c"]',
		'flows collapse=1 param=2 total=1 [1 @3 "a" "b"]',
		'flows collapse=1 param=2 total=1 [1 @1 (start) "b"]',
		'backward_flows collapse=1 param=2 total=1 [1 @1 "a" (end)]',
		'markov collapse=1 param=1 total=1 [1 @0 (start) "a"]',
		'markov collapse=1 param=1 total=2 [1 @0 (start) "a", 1 @0 "a" (conversion)]',
		'markov collapse=1 param=2 total=1 [1 @0 (start) "a", 1 @0 (start) "a" (null)]',
		'paths_sketch collapse=1 param=16 total=1 [1 @0, 1 @16, 1 @32]',
		'paths_sketch collapse=1 param=16 total=5 [1 @0, 1 @16, 1 @32, 1 @48]',
		'health collapse=0 param=1800 total=1 [1 @0 "a", 2 @1 "a", 1 @2 "a"]',
		'health collapse=0 param=1800 total=1 [2 @0 "a", 1 @1 "a", 1 @2 "a"]',
		'health collapse=0 param=1800 total=1 [1 @0 "a", 1 @1 "a", 1 @2 "a", 5 @5 "a"]',
		'health collapse=0 param=1800 total=1 [1 @0 "a", 1 @1 "a", 1 @2 "a", 1 @3 "a" "a"]',
		'health collapse=0 param=1800 total=0 [1 @0 "a", 1 @1 "a", 1 @2 "a"]',
		'funnel collapse=0 param=2 anchor="within=1;gap=0;modes=0;steps=1:a1:b;exclude=" total=3 [1 @1]',
		'funnel collapse=0 param=2 anchor="within=1;gap=0;modes=0;steps=1:a1:b;exclude=" total=1 [1 @2]',
		'funnel collapse=0 param=2 anchor="within=1;gap=0;modes=0;steps=1:a1:b;exclude=" total=1 [1 @2, 1 @1000, 1 @3048]',
		'cohorts collapse=0 param=86400 total=1 [1 @0 "x"]',
		'cohorts collapse=0 param=86400 total=1 [1 @0 "007"]',
		'cohorts collapse=0 param=86400 total=1 [1 @0 "99999999999"]',
		'cohorts collapse=0 param=86400 total=1 [1 @1 "5"]',
		'cohorts collapse=0 param=86400 total=1 [1 @0 "5", 2 @1 "5"]',
		'cohorts collapse=0 param=86400 total=1 [1 @0 "5", 1 @0 "6"]',
		'cohorts collapse=0 param=0 total=1 [1 @0 "5"]',
		'shapley collapse=1 param=0 total=2 [1 @0 "a"]',
		'shapley collapse=1 param=0 total=1 [1 @0 "a", 2 @1 "a"]',
		'shapley collapse=1 param=0 total=1 [1 @0 "a", 1 @1 "b"]',
		'shapley collapse=1 param=0 total=1 [1 @0 "a", 5 @2 "a"]',
		'shapley collapse=1 param=0 total=1 [1 @0 "b" "a"]',
		'credits collapse=0 param=3 anchor="7" total=2 [1 @-1 "a"]',
		'credits collapse=0 param=3 anchor="7" total=1 [1 @-1 "a", 5 @0 "b"]',
		'credits collapse=0 param=3 anchor="7" total=1 [1 @-1 "a", 5 @2 "a", 5 @3 "a"]']) v
		   WHERE NOT pg_temp.refused(v)),
		  NULL, 'every kind refuses counts that break its builder''s invariants');
SELECT is((SELECT string_agg(v, ' | ') FROM unnest(ARRAY[
		'paths collapse=0 param=0 total=2 [1 @0 "a", 1 @0]',
		'transitions collapse=0 param=0 total=1 [1 @0 (start) "a", 1 @0 "a" (end)]',
		'steps collapse=0 param=2 anchor="x" total=2 [1 @-1 (start), 1 @1 "a", 1 @2 (end)]',
		'markov collapse=1 param=1 total=1 [1 @0 (start) "a", 1 @0 "a" (conversion)]',
		'health collapse=0 param=1800 total=1 [2 @0 "a", 1 @1 "a", 1 @2 "a", 1 @4 "a", 3 @5 "a", 1 @130 "a"]',
		'funnel collapse=0 param=2 anchor="within=1;gap=0;modes=0;steps=1:a1:b;exclude=" total=2 [1 @0, 1 @2, 1 @5096, 1 @7144]',
		'cohorts collapse=0 param=86400 total=2 [1 @0 "5", 1 @3 "5"]',
		'shapley collapse=1 param=0 total=2 [1 @0, 1 @0 "a", 1 @1 "a", 5 @3 "a"]',
		'credits collapse=0 param=3 anchor="7" total=2 [2 @-1 "a", 5 @2 "a", 5 @5 "a"]']) v
		   WHERE pg_temp.refused(v)),
		  NULL, 'the same kinds accept hand-written counts that keep the invariants');

SELECT * FROM finish();
ROLLBACK;
