-- Long work stops promptly at statement_timeout: each statement below
-- would run for many seconds; each is cancelled after 300 ms.
CREATE TEMP TABLE huge AS
SELECT journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '1 second', 'l' || (i % 50)) AS j
FROM generate_series(1, 1000000) i;
CREATE TEMP TABLE huge_text AS SELECT j::text AS t FROM huge;

SET statement_timeout = '300ms';
SELECT journey_length(journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '1 second', 'x'))
FROM generate_series(1, 100000000) i;
SELECT sum(journey_length(t::journey)) FROM huge_text, generate_series(1, 100);
SELECT sum(funnel_level(j, '{l1,l2,l3,l4,l5}', '400 days')) FROM huge, generate_series(1, 1000);
SELECT pattern_count(j, 'l1 .* l2 .* l49 (?t>5) l7') FROM huge;
SELECT count(*) FROM huge, generate_series(1, 1000), journey_sessions(j, '0.5 seconds');
SELECT * FROM transitions((SELECT transition_counts(j) FROM huge, generate_series(1, 1000)));
-- a path just under 1 GB: one call that takes longer than 50 ms whatever
-- the machine (over 1 GB it would be refused at once, before any work)
SET statement_timeout = '50ms';
SELECT octet_length(journey_path(j, repeat('-', 990))) FROM huge;
RESET statement_timeout;

-- The session is usable afterwards.
SELECT journey_length(j) FROM huge;
