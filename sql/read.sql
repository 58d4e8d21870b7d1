-- Reading journeys.

CREATE TABLE jr (name text, j journey);
INSERT INTO jr VALUES
	('three', '[2024-03-01 09:00:00+00 email, 2024-03-01 10:00:00+00 search, 2024-03-02 10:30:00.5+00 purchase 49.9]'),
	('repeats', '[2024-03-01 09:00:00+00 search, 2024-03-01 09:01:00+00 search, 2024-03-01 09:02:00+00 email, 2024-03-01 09:03:00+00 search]'),
	('one', '[2024-03-01 09:00:00+00 direct]'),
	('empty', '[]');

SELECT name, journey_length(j), journey_first_label(j), journey_last_label(j),
	   journey_start(j), journey_end(j), journey_duration(j)
FROM jr ORDER BY name;

-- The duration in seconds, as float8, for charts.
SELECT name, journey_duration_seconds(j), journey_duration_seconds(j) = extract(epoch FROM journey_duration(j))::float8 AS same
FROM jr ORDER BY name;

-- The touchpoint at a position: 1-based, negative from the end, NULL outside.
SELECT name, n, journey_label_at(j, n), journey_time_at(j, n), journey_value_at(j, n)
FROM jr, unnest(ARRAY[1, 3, -1, -3, 0, 4, -4, 2147483647, -2147483648]) n
WHERE name IN ('three', 'empty') ORDER BY name, n;

SELECT name, journey_labels(j), journey_path(j), journey_path(j, ' → ', true), journey_path(j, ',', false)
FROM jr ORDER BY name;

SELECT name, u.* FROM jr, journey_unnest(j) u ORDER BY name, ordinality;
-- Called in the select list (the row type comes from the executor there
-- too): the same rows.
SELECT count(*) AS rows,
	   (SELECT count(*) FROM ((SELECT name, u.* FROM jr, journey_unnest(j) u)
							  EXCEPT ALL (SELECT name, (journey_unnest(j)).* FROM jr)) d) AS missing,
	   (SELECT count(*) FROM ((SELECT name, (journey_unnest(j)).* FROM jr)
							  EXCEPT ALL (SELECT name, u.* FROM jr, journey_unnest(j) u)) d) AS extra
FROM jr, journey_unnest(j);

-- Contains-label, as function and operator; usable in WHERE.
SELECT name FROM jr WHERE j ? 'search' ORDER BY name;
SELECT name, journey_has_label(j, 'email'), j ? '', j ? 'searc' FROM jr ORDER BY name;

-- Output of readers does not depend on the session time zone except where
-- PostgreSQL renders a timestamptz itself.
SET TimeZone = 'America/New_York';
SELECT journey_start(j), journey_duration(j), journey_start(j) = '2024-03-01 09:00:00+00' AS same_instant FROM jr WHERE name = 'three';
RESET TimeZone;

-- NULL in, NULL out.
SELECT journey_length(NULL), journey_path(NULL), journey_path(j, NULL) FROM jr WHERE name = 'one';

DROP TABLE jr;
