-- Pattern matching: properties against plain SQL, limits and bad input.
BEGIN;
SELECT plan(10);

SELECT setseed(0.21);
CREATE TEMP TABLE rj AS
SELECT g AS id, coalesce(journey_agg(t.ts, t.label), '[]') AS j
FROM generate_series(1, 400) g
LEFT JOIN LATERAL (
	SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 1e5) * interval '1 second' AS ts,
		   (ARRAY['A', 'B', 'C', 'X'])[1 + floor(random() * 4)::int] AS label
	FROM generate_series(1, floor(random() * 12 + g * 0)::int)
) t ON true
GROUP BY g;
CREATE TEMP TABLE u AS SELECT id, x.* FROM rj, journey_unnest(j) x;

SELECT ok((SELECT bool_and(pattern_match(j, 'A .* B .* C') = (j ~> '{A,B,C}')) FROM rj),
		  'A .* B .* C matches exactly the journeys holding A, B, C in order');
SELECT ok((SELECT bool_and(pattern_count(j, 'A') = (SELECT count(*) FROM u WHERE u.id = rj.id AND label = 'A')) FROM rj),
		  'pattern_count of one label counts its touchpoints');
SELECT ok((SELECT bool_and(pattern_match(j, 'A B') = EXISTS (SELECT 1 FROM u u1 JOIN u u2 ON u2.id = u1.id AND u2.ordinality = u1.ordinality + 1
															 WHERE u1.id = rj.id AND u1.label = 'A' AND u2.label = 'B')) FROM rj),
		  'A B matches exactly where an A is right before a B');
SELECT ok((SELECT bool_and(pattern_match(j, '(?1)(?2)', '{A,B}') =
						   EXISTS (SELECT 1 FROM (SELECT label, lead(label) OVER (ORDER BY ordinality) AS nxt FROM u WHERE u.id = rj.id AND label IN ('A', 'B')) f
								   WHERE label = 'A' AND nxt = 'B')) FROM rj),
		  'numbered conditions ignore the other touchpoints, as in ClickHouse');
SELECT ok((SELECT bool_and(pattern_positions(j, 'A') = ARRAY[(SELECT min(ordinality)::int FROM u WHERE u.id = rj.id AND label = 'A')])
		   FROM rj WHERE j ? 'A'),
		  'the first match is the leftmost');
SELECT ok((SELECT bool_and(pattern_match(j, '(?1)(?t<=600)(?2)', '{A,B}') =
						   EXISTS (SELECT 1 FROM u a JOIN u b ON b.id = a.id AND b.ordinality > a.ordinality
								   WHERE a.id = rj.id AND a.label = 'A' AND b.label = 'B' AND b.ts - a.ts <= interval '10 minutes'
									 AND NOT EXISTS (SELECT 1 FROM u m WHERE m.id = a.id AND m.ordinality > a.ordinality AND m.ordinality < b.ordinality AND m.label IN ('A', 'B'))))
		   FROM rj),
		  'a time condition bounds the time between the matches around it');

SELECT throws_ok($$SELECT pattern_match(journey_agg('2024-01-01'::timestamptz + i * interval '1 second', 'a'), '.* b')
				   FROM generate_series(1, 4000) i$$,
				 '54000', 'pattern matching exceeds its work limit', 'work limit on a huge journey');
SELECT throws_ok($$SELECT pattern_match('[]', 'a{20000}')$$, '54000', 'pattern too large', 'pattern too large');

SET LOCAL statement_timeout = '10s';
SELECT is(pattern_match('[2024-01-01 00:00:00+00 a]', '((){999999999}){999999999} a'), true,
		  'empty groups repeated 10^18 times compile at once (their copies are empty)');
RESET statement_timeout;
SELECT is(ARRAY[pattern_match('[4714-11-24 00:00:00+00 BC a, 294276-12-31 23:59:59+00 b]', 'a (?t>1000) b'),
				pattern_match('[4714-11-24 00:00:00+00 BC a, 294276-12-31 23:59:59+00 b]', 'a (?t<1000) b')],
		  ARRAY[true, false], 'time conditions hold across the whole timestamp range (no overflow)');

SELECT * FROM finish();
ROLLBACK;
