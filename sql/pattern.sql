-- Pattern matching over journeys.
CREATE TABLE pj (j journey);
INSERT INTO pj VALUES ('[2024-01-01 00:00:00+00 search, 2024-01-01 00:10:00+00 email, 2024-01-01 01:00:00+00 cart,
	2024-01-01 03:00:00+00 search, 2024-01-01 03:05:00+00 cart, 2024-01-01 03:06:00+00 buy]');

-- Labels match touchpoints next to each other; "." is any touchpoint.
SELECT pattern_match(j, 'search cart') AS adjacent, pattern_match(j, 'search email cart buy') AS not_there,
	   pattern_match(j, 'search . cart') AS one_between, pattern_positions(j, 'search . cart') AS positions
FROM pj;
-- Quantifiers are greedy, the earliest start wins; positions are those of
-- the touchpoints matched by labels.
SELECT pattern_positions(j, 'search .* cart') AS greedy, pattern_positions(j, 'search .{1,2} cart') AS bounded,
	   pattern_positions(j, '(search|email)+ cart buy') AS alternatives, pattern_positions(j, 'cart buy?') AS optional
FROM pj;
-- Non-overlapping matches.
SELECT pattern_count(j, 'search .* cart') AS spanning, pattern_count(j, 'search (email)? cart') AS pairs,
	   pattern_count(j, 'cart') AS carts, pattern_count(j, '.') AS touchpoints
FROM pj;
-- ClickHouse's form: numbered conditions name the labels argument, other
-- touchpoints are ignored, and (?t op seconds) lets touchpoints pass but
-- bounds the time between the matches around it.
SELECT pattern_match(j, '(?1)(?2)', '{search,cart}') AS sequence_match,
	   pattern_positions(j, '(?1)(?t<=600)(?2)', '{search,cart}') AS within_10_minutes,
	   pattern_positions(j, '(?1)(?t>3000)(?2)', '{search,cart}') AS over_50_minutes,
	   pattern_count(j, '(?1)(?2)', '{search,cart}') AS sequence_count
FROM pj;
-- A time bound on the whole match.
SELECT pattern_match(j, 'search cart buy', within => '5 minutes') AS five, pattern_match(j, 'search cart buy', within => '6 minutes') AS six
FROM pj;
-- Quoted labels, and the ordered-subsequence operator.
SELECT pattern_match('[2024-01-01 00:00:00+00 "add to cart", 2024-01-01 00:00:01+00 "a|b"]', '"add to cart" "a|b"') AS quoted,
	   j ~> '{search,cart,buy}' AS in_order, j ~> '{buy,search}' AS wrong_order, j ~> '{}' AS nothing
FROM pj;
SELECT pattern_match('[]', 'a'), pattern_count('[]', 'a'), pattern_positions('[]', 'a'), pattern_match(NULL, 'a');

-- Malformed patterns: the position of the error.
SELECT pattern_match(j, 'search ((cart') FROM pj;
SELECT pattern_match(j, 'a{3,2}') FROM pj;
SELECT pattern_match(j, '(?3)', '{a,b}') FROM pj;
SELECT pattern_match(j, '(?1)') FROM pj;
SELECT pattern_match(j, '(?t~5) a') FROM pj;
SELECT pattern_match(j, 'a) b') FROM pj;
SELECT pattern_match(j, 'a{20000}') FROM pj;

DROP TABLE pj;
