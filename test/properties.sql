-- Properties that must hold for every journey, checked on a few hundred
-- random ones (seeded) with awkward labels, values and timestamps.
BEGIN;
SELECT plan(31);

SELECT setseed(0.4242);
CREATE TEMP TABLE rj AS
WITH pool(labels) AS (
	SELECT ARRAY['search', 'email', 'say "hi"', 'back\slash', 'a, b > c [d]', '→ unicode ✓', '',
				 'BC', '123', 'x y', 'purchase']
)
SELECT g AS id, coalesce(journey_agg(t.ts, t.label, t.value), '[]') AS j
FROM generate_series(1, 300) g
LEFT JOIN LATERAL (
	SELECT CASE WHEN random() < 0.05
				THEN (ARRAY['4714-11-24 00:00:00+00 BC', '294276-12-31 23:59:59.999999+00'])[1 + (random() < 0.5)::int]::timestamptz
				ELSE '2024-01-01 00:00:00+00'::timestamptz
					 + floor(random() * 1e6) * interval '1 second'
					 + CASE WHEN random() < 0.3 THEN floor(random() * 1e6) * interval '1 microsecond' ELSE interval '0' END
		   END AS ts,
		   (SELECT labels FROM pool)[1 + floor(random() * 11)::int] AS label,
		   CASE WHEN random() < 0.3 THEN round((random() * 1000 - 500)::numeric, (random() * 4)::int)::float8
				WHEN random() < 0.1 THEN random() * 1e-300 END AS value
	FROM generate_series(1, floor(random() * 40)::int + g * 0)
) t ON true
GROUP BY g;

SELECT ok((SELECT count(*) FILTER (WHERE journey_length(j) = 0) > 0 AND count(*) = 300 FROM rj),
		  'the sample has 300 journeys, some empty');

SELECT ok((SELECT bool_and(j::text::journey = j AND j::text::journey::text = j::text) FROM rj),
		  'text output reads back to the same journey');

SET LOCAL TimeZone = 'Pacific/Chatham';
SET LOCAL DateStyle = 'German';
SET LOCAL extra_float_digits = -10;
CREATE TEMP TABLE rj_text_elsewhere AS SELECT id, j::text AS t FROM rj;
RESET TimeZone;
RESET DateStyle;
RESET extra_float_digits;
SELECT ok((SELECT bool_and(e.t = r.j::text) FROM rj r JOIN rj_text_elsewhere e USING (id)),
		  'text output does not depend on TimeZone, DateStyle or extra_float_digits');

SELECT ok((SELECT bool_and(coalesce((SELECT journey_agg(u.ts, u.label, u.value) FROM journey_unnest(j) u), '[]') = j) FROM rj),
		  'unnest then journey_agg gives the journey back');

SELECT ok((SELECT bool_and((SELECT journey(array_agg(u.ts), array_agg(u.label), array_agg(u.value)) FROM journey_unnest(j) u)
						   IS NOT DISTINCT FROM CASE WHEN journey_length(j) > 0 THEN j END) FROM rj),
		  'the array constructor gives the journey back');

SELECT ok((SELECT bool_and(coalesce((SELECT journey_agg(u.ts, u.label, u.value ORDER BY random()) FROM journey_unnest(j) u), '[]') = j)
		   FROM rj),
		  'journey_agg does not depend on input order');

-- journey_agg's groups share one label pool per aggregate context (and so
-- do two aggregates of one query); the state's records are encoded straight
-- when in time order, else sorted.  Each way must give the journey back.
CREATE TEMP TABLE rj_rows AS SELECT r.id, u.ts, u.label, u.value FROM rj r, journey_unnest(r.j) u;
CREATE TEMP TABLE rj_want AS
SELECT id, j, coalesce((SELECT journey(array_agg(u.ts), array_agg(u.label || '!'), array_agg(u.value)) FROM journey_unnest(j) u), '[]') AS marked
FROM rj;
CREATE FUNCTION pg_temp.rebuilt(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE ok boolean;
BEGIN
	EXECUTE format('SELECT count(*) = 300 AND bool_and(coalesce(g.j, ''[]'') = w.j AND coalesce(g.marked, ''[]'') = w.marked)
					FROM rj_want w LEFT JOIN (%s) g USING (id)', q) INTO ok;
	RETURN ok;
END $$;
SET LOCAL enable_sort = off;
SELECT ok(pg_temp.rebuilt($$SELECT id, journey_agg(ts, label, value) AS j, journey_agg(ts, label || '!', value) AS marked
							FROM (SELECT * FROM rj_rows ORDER BY ts, label COLLATE "C", value NULLS FIRST) s GROUP BY id$$),
		  'hashed journey_agg over rows in journey order, two aggregates sharing their labels');
SELECT ok(pg_temp.rebuilt($$SELECT id, journey_agg(ts, label, value) AS j, journey_agg(ts, label || '!', value) AS marked
							FROM (SELECT * FROM rj_rows ORDER BY random()) s GROUP BY id$$),
		  'hashed journey_agg over rows in random order');
RESET enable_sort;
SET LOCAL enable_hashagg = off;
SELECT ok(pg_temp.rebuilt($$SELECT id, journey_agg(ts, label, value) AS j, journey_agg(ts, label || '!', value) AS marked
							FROM (SELECT * FROM rj_rows ORDER BY id, ts DESC) s GROUP BY id$$),
		  'sorted journey_agg, a label pool per group, rows in reverse order');
RESET enable_hashagg;
-- a group's one stored journey is kept as it is, unless it is TOASTed
CREATE TEMP TABLE rj_long AS
SELECT 0 AS id, journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '1 second', 'l' || (i % 7)) AS j
FROM generate_series(1, 100000) i;
SELECT ok((SELECT count(*) = 301 AND bool_and(g.j = r.j AND journey_send(g.j) = journey_send(r.j))
		   FROM (SELECT id, journey_rollup(j) AS j FROM (SELECT * FROM rj UNION ALL SELECT * FROM rj_long) s GROUP BY id) g
		   JOIN (SELECT * FROM rj UNION ALL SELECT * FROM rj_long) r USING (id)),
		  'journey_rollup of one journey per group hands each back, stored inline or TOASTed');

SELECT ok((SELECT bool_and(journey_length(a.j || b.j) = journey_length(a.j) + journey_length(b.j)
						   AND a.j || b.j = b.j || a.j)
		   FROM rj a JOIN rj b ON b.id = a.id % 300 + 1),
		  'merge keeps every touchpoint and is commutative');

SELECT ok((SELECT bool_and((a.j || b.j) || c.j = a.j || (b.j || c.j))
		   FROM rj a JOIN rj b ON b.id = a.id % 300 + 1 JOIN rj c ON c.id = b.id % 300 + 1),
		  'merge is associative');

SELECT ok((SELECT bool_and(r.j = x.rolled)
		   FROM rj r
		   JOIN (SELECT id, journey_rollup(p) AS rolled
				 FROM (SELECT id, journey_slice(j, k, k + 4) AS p FROM rj, generate_series(1, 40, 5) k) parts
				 GROUP BY id) x USING (id)),
		  'journey_rollup of consecutive slices gives the journey back');

SELECT ok((SELECT bool_and(journey_slice(j, 1, k) || journey_slice(j, k + 1, journey_length(j)) = j)
		   FROM rj, LATERAL (SELECT (id * 7) % (journey_length(j) + 1) AS k) s),
		  'position slices split a journey without loss');

SELECT ok((SELECT bool_and(journey_slice(j, tstzrange(NULL, t)) || journey_slice(j, tstzrange(t, NULL)) = j)
		   FROM rj, LATERAL (SELECT coalesce((SELECT ts FROM journey_unnest(j) WHERE ordinality = 1 + id % greatest(journey_length(j), 1)),
											now()) AS t) s),
		  'time slices split a journey without loss');

-- Slices, sessions and filters encode a decoded journey directly; they
-- must store exactly what building the same touchpoints anew stores.
SELECT ok((SELECT bool_and(journey_slice(j, a, a + m) =
						   coalesce((SELECT journey_agg(ts, label, value) FROM journey_unnest(j)
									 WHERE ordinality BETWEEN a AND a + m), '[]'))
		   FROM rj, LATERAL (SELECT 1 + id % 5 AS a, id % 9 AS m) s),
		  'a slice is stored exactly as its touchpoints built anew');

SELECT ok((SELECT bool_and(journey_first_occurrences(j) =
						   coalesce((SELECT journey_agg(ts, label, value)
									 FROM (SELECT *, row_number() OVER (PARTITION BY label ORDER BY ordinality) AS nth
										   FROM journey_unnest(j)) u
									 WHERE nth = 1), '[]'))
		   FROM rj),
		  'first occurrences are stored exactly as their touchpoints built anew');

SELECT ok((SELECT bool_and(s.session = (SELECT journey_agg(ts, label, value) FROM journey_unnest(j)
										WHERE ts BETWEEN s.session_start AND s.session_end))
		   FROM rj, journey_sessions(j, '1 day') s),
		  'sessions are stored exactly as their touchpoints built anew');

SELECT ok((SELECT bool_and(journey_dedup(journey_dedup(j)) = journey_dedup(j) AND journey_dedup(j || j) = journey_dedup(j)
						   AND journey_length(journey_dedup(j)) = (SELECT count(*) FROM (SELECT DISTINCT ts, label, value FROM journey_unnest(j)) d))
		   FROM rj),
		  'dedup keeps each distinct touchpoint once');

SELECT ok((SELECT bool_and(journey_hash(a.j) = journey_hash(b.j)
						   AND journey_hash_extended(a.j, 1) = journey_hash_extended(b.j, 1))
		   FROM rj r, LATERAL (VALUES (r.j)) a(j),
				LATERAL (VALUES (r.j), (r.j || '[]'), (r.j::text::journey), (journey_slice(r.j, 1, 100))) b(j)),
		  'equal journeys hash equally');

SELECT ok((SELECT bool_and(journey_cmp(a.j, b.j) = -journey_cmp(b.j, a.j) AND (journey_cmp(a.j, b.j) = 0) = (a.j = b.j))
		   FROM rj a JOIN rj b ON b.id % 10 = a.id % 10),
		  'comparison is antisymmetric and agrees with equality');

SELECT ok((SELECT bool_and(c <= 0) FROM (SELECT journey_cmp(lag(j) OVER (ORDER BY j), j) AS c FROM rj) s WHERE c IS NOT NULL),
		  'sorting by journey gives a sequence consistent with journey_cmp');

SELECT ok((SELECT bool_and(journey_length(j) = cardinality(journey_labels(j))
						   AND journey_first_label(j) IS NOT DISTINCT FROM (journey_labels(j))[1]
						   AND journey_last_label(j) IS NOT DISTINCT FROM (journey_labels(j))[journey_length(j)])
		   FROM rj),
		  'length, first and last label agree with the label array');

SELECT ok((SELECT bool_and(journey_path(j, ' | ', false) = array_to_string(journey_labels(j), ' | ')) FROM rj),
		  'journey_path joins the labels with the separator');

SELECT ok((SELECT bool_and(journey_path(j, '>', true) =
						   coalesce((SELECT string_agg(label, '>' ORDER BY ordinality)
									 FROM (SELECT ordinality, label, lag(label) OVER (ORDER BY ordinality) AS prev FROM journey_unnest(j)) u
									 WHERE prev IS DISTINCT FROM label), ''))
		   FROM rj),
		  'journey_path with collapse_repeats drops labels equal to the previous one');

SELECT ok((SELECT bool_and((j ? l) = (l = ANY (journey_labels(j))))
		   FROM rj, unnest(ARRAY['search', '', 'BC', 'nope', 'back\slash']) l),
		  'the ? operator agrees with the label array');

SELECT ok((SELECT bool_and(journey_start(j) IS NOT DISTINCT FROM (SELECT min(ts) FROM journey_unnest(j))
						   AND journey_end(j) IS NOT DISTINCT FROM (SELECT max(ts) FROM journey_unnest(j))
						   AND (SELECT bool_and(ordinality = rn) FROM (SELECT ordinality, row_number() OVER (ORDER BY ts, label COLLATE "C", value NULLS FIRST) AS rn FROM journey_unnest(j)) o) IS NOT FALSE)
		   FROM rj),
		  'touchpoints are in (timestamp, label bytewise, value absent first) order');

-- journey_map against a plain join, with a map much longer than any journey
CREATE TEMP TABLE label_map AS
SELECT array_agg(f ORDER BY i) AS f, array_agg(t ORDER BY i) AS t
FROM (SELECT i, 'unused ' || i, 'u' || i FROM generate_series(1, 2000) i
	  UNION ALL VALUES (0, 'search', 'paid'), (-1, 'email', NULL), (2001, '', 'email'), (2002, 'x y', 'search')) m(i, f, t);
SELECT ok((SELECT bool_and(journey_map(j, m.f, m.t) = coalesce(
			 (SELECT journey_agg(u.ts, CASE WHEN e.f IS NULL THEN u.label ELSE e.t END, u.value)
			  FROM journey_unnest(j) u LEFT JOIN unnest(m.f, m.t) e(f, t) ON e.f = u.label), '[]'))
		   FROM rj, label_map m),
		  'journey_map renames, drops and keeps labels as a plain join does');

-- Time gaps of every varint length, 1 to 9 bytes in the stored form (up to
-- 10 in journey_agg's records, whose gaps are signed), in the middle of a
-- value and at its very end, in growing, shrinking and shuffled order,
-- added in shuffled order
SET LOCAL timezone = 'UTC';
CREATE TEMP TABLE gap_cases AS
SELECT c, k, '4714-11-24 00:00:00+00 BC'::timestamptz
		  + make_interval(days => (s / 86400000000)::int,
						  secs => (s % 86400000000) / 1e6) AS ts,
	   CASE WHEN k % 3 = c THEN k * 1.5 END::float8 AS value
FROM (SELECT c, k, sum(2::numeric ^ e) OVER (PARTITION BY c ORDER BY k) AS s
	  FROM generate_series(0, 2) c,
		   LATERAL (SELECT k, CASE c WHEN 0 THEN k WHEN 1 THEN 61 - k ELSE (k * 37) % 62 END AS e
					FROM generate_series(0, 61) k) g) t;
CREATE TEMP TABLE gap_journeys AS
SELECT c, journey_agg(ts, 'gap ' || k % 2, value ORDER BY (k * 17) % 62) AS j,
	   array_agg(ts ORDER BY ts) AS ts, array_agg(value ORDER BY ts) AS vals
FROM gap_cases GROUP BY c;
SELECT ok((SELECT bool_and((SELECT array_agg(u.ts ORDER BY u.ordinality) = g.ts AND
									   array_agg(u.value ORDER BY u.ordinality) IS NOT DISTINCT FROM g.vals
								FROM journey_unnest(g.j) u))
		   FROM gap_journeys g),
		  'time gaps of every varint length read back exactly');
SELECT ok((SELECT bool_and(j::text::journey = j AND journey_length(j) = 62 AND
						   journey_start(j) = ts[1] AND journey_end(j) = ts[62])
		   FROM gap_journeys),
		  'and so do their text forms, starts and ends');

-- Time units of every shape (odd, even, powers of two, whole seconds and
-- days, the largest a gap can have), kept to the end or shrunk on the way
-- (v = 1), built in order, shuffled and from text: every timestamp reads
-- back
CREATE TEMP TABLE unit_cases AS
SELECT u, v, k, '4714-11-24 00:00:00+00 BC'::timestamptz
		  + make_interval(days => (s / 86400000000)::int,
						  secs => (s % 86400000000) / 1e6) AS ts
FROM (SELECT u, v, k, sum(g) OVER (PARTITION BY u, v ORDER BY k) AS s
	  FROM unnest('{1,2,3,7,1000,1000000,86400000000,1099511627776,3298534883328}'::numeric[]) u,
		   generate_series(0, 1) v,
		   LATERAL (SELECT k, u * ((k * 7919) % 97)
						  + CASE WHEN v = 1 AND k = 20 AND u % 2 = 0 THEN u / 2
								 WHEN v = 1 AND k = 30 THEN 1 ELSE 0 END AS g
					FROM generate_series(0, 40) k) g
	  UNION ALL
	  SELECT 4611686018427387903, 0, k, k * 4611686018427387903 FROM generate_series(0, 1) k) t;
SELECT ok((SELECT bool_and(got_in_order = want AND got_shuffled = want AND from_text)
		   FROM (SELECT array_agg(ts ORDER BY ts) AS want,
						(SELECT array_agg(x.ts ORDER BY x.ordinality)
						 FROM journey_unnest(journey_agg(ts, 'x', NULL::float8 ORDER BY ts)) x) AS got_in_order,
						(SELECT array_agg(x.ts ORDER BY x.ordinality)
						 FROM journey_unnest(journey_agg(ts, 'x', NULL::float8 ORDER BY (k * 13) % 41)) x) AS got_shuffled,
						journey_agg(ts, 'x', NULL::float8)::text::journey = journey_agg(ts, 'x', NULL::float8) AS from_text
				 FROM unit_cases GROUP BY u, v) c),
		  'time units of every shape read back exactly, built in order, shuffled or from text');

SELECT * FROM finish();
ROLLBACK;
