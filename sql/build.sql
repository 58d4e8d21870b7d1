-- Building journeys: journey_agg, the array constructor, merge, append,
-- rollup, slices and de-duplication.

CREATE TABLE ev (customer int, ts timestamptz, label text, value float8);
INSERT INTO ev VALUES
	(1, '2024-03-01 10:00:00+00', 'search', NULL),
	(1, '2024-03-01 10:05:00+00', 'product_view', NULL),
	(1, '2024-03-01 10:05:00+00', 'product_view', NULL),
	(1, '2024-03-02 08:00:00+00', 'purchase', 49.9),
	(1, '2024-03-01 09:00:00+00', 'email', NULL),
	(1, NULL, 'lost', NULL),
	(1, '2024-03-03 00:00:00+00', NULL, NULL),
	(2, '2024-03-05 12:00:00+00', 'social', NULL),
	(3, NULL, 'nothing', NULL);

-- Input order does not matter; NULL timestamps or labels are skipped; a
-- group with no usable row gives NULL.
SELECT customer, journey_agg(ts, label, value) FROM ev GROUP BY customer ORDER BY customer;
SELECT customer, journey_agg(ts, label ORDER BY ts DESC, label DESC) = journey_agg(ts, label ORDER BY ts, label) AS order_free
FROM ev GROUP BY customer ORDER BY customer;
SELECT journey_agg(ts, label) FROM ev WHERE false;

-- As a window aggregate: the running journey.
SELECT ts, journey_path(journey_agg(ts, label) OVER (ORDER BY ts, label ROWS UNBOUNDED PRECEDING), collapse_repeats => false)
FROM ev WHERE customer = 1 AND ts IS NOT NULL AND label IS NOT NULL ORDER BY ts, label;

-- Array constructor.
SELECT journey(ARRAY['2024-03-01 10:00+00', '2024-03-01 09:00+00']::timestamptz[], ARRAY['b', 'a']);
SELECT journey(ARRAY['2024-03-01 10:00+00', NULL, '2024-03-01 11:00+00']::timestamptz[],
			   ARRAY['b', 'x', NULL], ARRAY[1, 2, 3]::float8[]);
SELECT journey(ARRAY[]::timestamptz[], ARRAY[]::text[]);
SELECT journey(ARRAY['2024-03-01 10:00+00']::timestamptz[], ARRAY['a', 'b']);
SELECT journey(ARRAY['2024-03-01 10:00+00']::timestamptz[], ARRAY['a'], ARRAY[1, 2]::float8[]);
SELECT journey(ARRAY[['2024-03-01 10:00+00']]::timestamptz[], ARRAY['a']);
SELECT journey(ARRAY['infinity']::timestamptz[], ARRAY['a']);
SELECT journey(ARRAY['2024-03-01 10:00+00']::timestamptz[], ARRAY['a'], ARRAY['NaN']::float8[]);

-- Merge and append.
SELECT '[2024-03-01 10:00:00+00 a, 2024-03-03 10:00:00+00 c]'::journey || '[2024-03-02 10:00:00+00 b 1]'::journey;
SELECT '[]'::journey || '[]'::journey;
SELECT journey_append('[2024-03-01 10:00:00+00 b]', '2024-03-01 09:00:00+00', 'a');
SELECT journey_append('[2024-03-01 10:00:00+00 b]', '2024-03-01 11:00:00+00', 'purchase', 10);
SELECT journey_append(NULL, '2024-03-01 11:00:00+00', 'first');
SELECT journey_append('[2024-03-01 10:00:00+00 b]', NULL, 'a'), journey_append('[2024-03-01 10:00:00+00 b]', now(), NULL);
SELECT journey_append(NULL, NULL, 'a') IS NULL AS still_null;
SELECT journey_append('[]', '-infinity', 'a');

-- Rollup: per-device journeys into one customer journey, equal to building
-- the customer journey directly.
CREATE TABLE dev AS
SELECT customer, label < 'p' AS phone, journey_agg(ts, label, value) AS j
FROM ev GROUP BY 1, 2;
SELECT customer, phone, j FROM dev ORDER BY 1, 2;
SELECT customer, journey_rollup(j ORDER BY phone) AS rolled,
	   journey_rollup(j ORDER BY phone DESC) = journey_rollup(j ORDER BY phone) AS order_free,
	   journey_rollup(j) = (SELECT journey_agg(ts, label, value) FROM ev e WHERE e.customer = dev.customer) AS same
FROM dev GROUP BY customer ORDER BY customer;
SELECT journey_rollup(j) FROM (VALUES (NULL::journey), ('[]')) v(j);

-- Slices by position (1-based, inclusive, clamped like arrays) and time.
SELECT journey_slice(j, 2, 3), journey_slice(j, -5, 1), journey_slice(j, 3, 100), journey_slice(j, 3, 2)
FROM (SELECT '[2024-03-01 10:00:00+00 a, 2024-03-02 10:00:00+00 b, 2024-03-03 10:00:00+00 c]'::journey) s(j);
SELECT journey_slice(j, '[2024-03-02 10:00:00+00, 2024-03-03 10:00:00+00)'),
	   journey_slice(j, '(2024-03-01 10:00:00+00,)'),
	   journey_slice(j, '[,2024-03-01 10:00:00+00]'),
	   journey_slice(j, 'empty')
FROM (SELECT '[2024-03-01 10:00:00+00 a, 2024-03-02 10:00:00+00 b, 2024-03-03 10:00:00+00 c]'::journey) s(j);

-- De-duplication keeps one of each exact duplicate.
SELECT journey_dedup('[2024-03-01 10:00:00+00 a, 2024-03-01 10:00:00+00 a, 2024-03-01 10:00:00+00 a 1, 2024-03-01 10:00:00+00 a 1, 2024-03-01 10:00:00+00 b]');

-- Hash aggregation over many groups, spilling to disk when work_mem is
-- small, gives the same journeys as sorted aggregation.
CREATE TABLE many AS
SELECT i % 20000 AS k, '2024-01-01 00:00:00+00'::timestamptz + i * interval '1 minute' AS ts, 'l' || (i % 7) AS label
FROM generate_series(1, 60000) i;
ANALYZE many;
SET enable_sort = off;
SET work_mem = '64kB';
CREATE FUNCTION hash_batches(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
		IF line ~ 'Batches: \d+' THEN
			RETURN substring(line FROM 'Batches: (\d+)')::int;
		END IF;
	END LOOP;
	RETURN 0;
END $$;
SELECT hash_batches('SELECT k, journey_agg(ts, label) FROM many GROUP BY k') > 1 AS spilled;
CREATE TABLE hashed AS SELECT k, journey_agg(ts, label) AS j FROM many GROUP BY k;
RESET enable_sort;
RESET work_mem;
SET enable_hashagg = off;
SELECT count(*) AS groups, count(*) FILTER (WHERE h.j = s.j) AS same
FROM hashed h JOIN (SELECT k, journey_agg(ts, label) AS j FROM many GROUP BY k) s USING (k);
RESET enable_hashagg;
DROP TABLE many, hashed;
DROP FUNCTION hash_batches;

-- The support functions refuse to run outside an aggregate.
SELECT journey_agg_transfn(NULL, now(), 'a');
SELECT journey_agg_combine('[]', '[]');

DROP TABLE ev, dev;
