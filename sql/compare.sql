-- Ordering, equality, hashing: btree and hash operator classes.

CREATE TABLE jc (id int, j journey);
INSERT INTO jc VALUES
	(1, '[2024-03-01 10:00:00+00 b]'),
	(2, '[2024-03-01 10:00:00+00 a]'),
	(3, '[2024-03-01 10:00:00+00 a 1]'),
	(4, '[2024-03-01 10:00:00+00 a, 2024-03-01 11:00:00+00 a]'),
	(5, '[2024-03-01 09:00:00+00 z]'),
	(6, '[]'),
	(7, '[2024-03-01 10:00:00+00 a -1]'),
	(8, '[2024-03-01 10:00:00+00 "a"]'),
	(9, '[2024-03-01 11:00:00+01 a]');

-- Touchpoint by touchpoint: time, then label bytewise, then value with
-- absent first; a prefix sorts first; the empty journey is smallest.
SELECT id, j FROM jc ORDER BY j, id;

-- Equal journeys: same touchpoints, whatever the input text looked like.
SELECT a.id, b.id FROM jc a JOIN jc b ON a.j = b.j AND a.id < b.id ORDER BY 1, 2;
SELECT count(DISTINCT j) AS distinct_journeys FROM jc;
SELECT j, count(*) FROM jc GROUP BY j HAVING count(*) > 1;

-- The comparison operators agree with journey_cmp.
SELECT bool_and((a.j < b.j) = (journey_cmp(a.j, b.j) < 0)
			AND (a.j <= b.j) = (journey_cmp(a.j, b.j) <= 0)
			AND (a.j > b.j) = (journey_cmp(a.j, b.j) > 0)
			AND (a.j >= b.j) = (journey_cmp(a.j, b.j) >= 0)
			AND (a.j = b.j) = (journey_cmp(a.j, b.j) = 0)
			AND (a.j <> b.j) = (journey_cmp(a.j, b.j) <> 0)
			AND journey_cmp(a.j, b.j) = -journey_cmp(b.j, a.j)) AS consistent
FROM jc a, jc b;

-- A btree index answers equality and range queries.
CREATE INDEX ON jc (j);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM jc WHERE j = '[2024-03-01 10:00:00+00 a]';
SELECT id FROM jc WHERE j = '[2024-03-01 10:00:00+00 a]' ORDER BY id;
SELECT id FROM jc WHERE j < '[2024-03-01 10:00:00+00 a]' ORDER BY id;
RESET enable_seqscan;

-- Hash joins and hash aggregation use the hash opclass.
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM jc a JOIN jc b USING (j);
SELECT a.id, b.id FROM jc a JOIN jc b USING (j) WHERE a.id < b.id ORDER BY 1, 2;
RESET enable_mergejoin;
RESET enable_nestloop;
SELECT journey_hash(j) = journey_hash('[2024-03-01 10:00:00+00 a]'),
	   journey_hash_extended(j, 7) = journey_hash_extended('[2024-03-01 10:00:00+00 a]', 7),
	   journey_hash_extended(j, 7) <> journey_hash_extended(j, 8)
FROM jc WHERE id = 9;

DROP TABLE jc;
