-- Shapley value attribution (DESIGN.md S16), worked by hand.
--
-- Channel sets: {A} 2 paths, 1 converting (value 4); {B} 2 paths, none;
-- {A,B} 1 path, converting (value 10).  Worth = conversion rate of the set:
-- v(A) = 0.5, v(B) = 0, v(AB) = 1.  phi(A) = (0.5 + (1 - 0)) / 2 = 0.75,
-- phi(B) = (0 + (1 - 0.5)) / 2 = 0.25: shares 0.75 and 0.25 of 2
-- conversions and 14 of value.  Simplified: the converting path {A,B} is
-- split in halves, {A} goes to A: A 1.5 (value 4 + 5), B 0.5 (value 5).
CREATE TABLE sp (j journey, converted boolean, value float8);
INSERT INTO sp VALUES
	('[2024-01-01 00:00:00+00 A, 2024-01-02 00:00:00+00 B]', true, 10),
	('[2024-01-01 00:00:00+00 A]', false, NULL),
	('[2024-01-01 00:00:00+00 A]', true, 4),
	('[2024-01-01 00:00:00+00 B]', false, NULL),
	('[2024-01-01 00:00:00+00 B, 2024-01-01 00:01:00+00 B]', false, NULL);
SELECT shapley_counts(j, converted, value) FROM sp;
SELECT * FROM shapley_attribution((SELECT shapley_counts(j, converted, value) FROM sp));
SELECT * FROM shapley_attribution((SELECT shapley_counts(j, converted, value) FROM sp), 'simplified');
-- Conversion labels: each conversion ends a path.
SELECT shapley_counts(j, '{buy}') FROM (VALUES ('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 buy 3, 2024-01-01 00:02:00+00 B, 2024-01-01 00:03:00+00 A]'::journey)) v(j);
-- No path holds every channel: v(A) = 1, v(B) = 0, v(AB) = 0, so
-- phi(A) = (1 + 0) / 2 = 0.5 and phi(B) = (0 - 1) / 2 = -0.5 add up to 0,
-- and there is no share of 0 to give: share, conversions and value NULL.
SELECT * FROM shapley_attribution((SELECT shapley_counts(j, converted, value)
								   FROM (VALUES ('[2024-01-01 00:00:00+00 A]'::journey, true, 5.0::float8),
												('[2024-01-01 00:00:00+00 B]', false, NULL)) v(j, converted, value)));
SELECT * FROM shapley_attribution((SELECT shapley_counts(j, converted, value) FROM sp), 'magic');
SELECT * FROM shapley_attribution((SELECT path_counts(j) FROM sp));
DROP TABLE sp;
