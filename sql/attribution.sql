-- Heuristic attribution per journey (DESIGN.md S11-S14), by hand.
SET TimeZone = 'UTC';  -- for readable output; no result depends on it

CREATE TABLE aj (j journey);
-- Two purchases: the first after search, email, direct (7, 6 and 5 days
-- before it); the second after social.
INSERT INTO aj VALUES ('[2024-01-01 00:00:00+00 search, 2024-01-02 00:00:00+00 email, 2024-01-03 00:00:00+00 direct,
	2024-01-08 00:00:00+00 purchase 100, 2024-01-09 00:00:00+00 social, 2024-01-10 00:00:00+00 purchase 50]');

-- Every model: credits add up to 1 per conversion; value shared alike.
-- Time decay: weights 2^(-7/7), 2^(-6/7), 2^(-5/7), normalised.
SELECT m AS model, conversion_no, touch_no, label, round(credit::numeric, 4) AS credit, round(value_credit::numeric, 2) AS value_credit
FROM aj, unnest('{first_touch,last_touch,last_non_direct,linear,position_based,time_decay}'::text[]) m,
	 journey_attribution(j, m, '{purchase}') a
ORDER BY 1, 2, 3;

-- Rows of credit 0 (first/last touch, last non-direct, zero position
-- weights, per label too) are left out unless zero_credit.
SELECT m AS model, conversion_no, touch_no, label, credit
FROM aj, unnest('{first_touch,last_touch}'::text[]) m, journey_attribution(j, m, '{purchase}', zero_credit => true) a
ORDER BY 1, 2, 3;
SELECT touch_no, label, credit FROM journey_attribution('[2024-01-01 00:00:00+00 a, 2024-01-02 00:00:00+00 b, 2024-01-03 00:00:00+00 c, 2024-01-04 00:00:00+00 d]',
	'position_based', converted => true, position_weights => '{0.5,0,0.5}');
SELECT label, credit FROM journey_attribution('[2024-01-01 00:00:00+00 a, 2024-01-02 00:00:00+00 b, 2024-01-03 00:00:00+00 a]',
	'first_touch', converted => true, per_label => true);
SELECT label, credit FROM journey_attribution('[2024-01-01 00:00:00+00 a, 2024-01-02 00:00:00+00 b, 2024-01-03 00:00:00+00 a]',
	'first_touch', converted => true, per_label => true, zero_credit => true);

-- Ties with conversions: touchpoints at the same instant as a conversion
-- are before it and credited to it, whatever their labels (ads sorts
-- before purchase, search after it); the conversion touchpoint itself
-- never is.  Conversions at the same instant (purchase and signup at
-- 12:00) are each credited to the same touchpoints; the next conversion
-- (social's) takes only what comes after that instant.
SELECT conversion_no, conversion_ts, touch_no, label, round(credit::numeric, 4) AS credit, value_credit
FROM journey_attribution('[2024-01-01 10:00:00+00 email, 2024-01-01 12:00:00+00 ads, 2024-01-01 12:00:00+00 purchase 30,
	2024-01-01 12:00:00+00 search, 2024-01-01 12:00:00+00 signup, 2024-01-01 12:00:00+00 zebra,
	2024-01-02 00:00:00+00 social, 2024-01-02 00:00:00+00 purchase 10]', 'linear', '{purchase,signup}')
ORDER BY 1, 3;
-- So last_touch of a conversion with a touchpoint at its instant credits
-- that touchpoint (search, stored after purchase), not the one before.
SELECT conversion_no, label FROM journey_attribution('[2024-01-01 10:00:00+00 email, 2024-01-01 12:00:00+00 purchase, 2024-01-01 12:00:00+00 search]',
	'last_touch', '{purchase}');

-- Position-based (S12): 1 touch 100%, 2 touches 50/50, 3+ first/last 40%,
-- the middle share 20%; weights are a parameter.
SELECT n, touch_no, credit
FROM generate_series(1, 4) n,
	 journey_attribution((SELECT journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '1 hour', 't' || i)
						  FROM generate_series(1, n) i), 'position_based', converted => true) a
ORDER BY 1, 2;
SELECT touch_no, credit FROM journey_attribution('[2024-01-01 00:00:00+00 a, 2024-01-02 00:00:00+00 b, 2024-01-03 00:00:00+00 c]',
												 'position_based', converted => true, position_weights => '{0.3,0.3,0.4}');

-- Per touch by default (S11: A > A > B under linear gives A 2/3, B 1/3 in
-- two rows for A); per label on request.
SELECT touch_no, label, round(credit::numeric, 4) AS credit
FROM journey_attribution('[2024-01-01 00:00:00+00 A, 2024-01-02 00:00:00+00 A, 2024-01-03 00:00:00+00 B]', 'linear', converted => true);
SELECT touch_no, label, round(credit::numeric, 4) AS credit, value_credit
FROM journey_attribution('[2024-01-01 00:00:00+00 A, 2024-01-02 00:00:00+00 A, 2024-01-03 00:00:00+00 B]', 'linear',
						 converted => true, conversion_value => 30, per_label => true);

-- Conversions inside the journey (S14): lookback, and credit since the
-- previous conversion only (default) or from the start.
SELECT conversion_no, label FROM aj, journey_attribution(j, 'linear', '{purchase}', lookback => '5 days') ORDER BY 1, touch_no;
SELECT conversion_no, label FROM aj, journey_attribution(j, 'linear', '{purchase}', since_previous => false) ORDER BY 1, touch_no;
-- Last non-direct skips the listed labels unless nothing else is left.
SELECT label FROM journey_attribution('[2024-01-01 00:00:00+00 direct, 2024-01-02 00:00:00+00 direct]', 'last_non_direct', converted => true) WHERE credit = 1;

-- A journey that did not convert, or a conversion with nothing before it,
-- gets no rows.
SELECT count(*) FROM journey_attribution('[2024-01-01 00:00:00+00 a]', 'linear', converted => false);
SELECT count(*) FROM journey_attribution('[2024-01-01 00:00:00+00 purchase]', 'linear', '{purchase}');

-- Channel credit across journeys is a GROUP BY.
SELECT label, round(sum(credit)::numeric, 4) AS conversions, round(sum(value_credit)::numeric, 2) AS revenue
FROM aj, journey_attribution(j, 'position_based', '{purchase}') GROUP BY label ORDER BY label;

-- Bad parameters.
SELECT * FROM journey_attribution('[]', 'magic', '{purchase}');
SELECT * FROM journey_attribution('[]', 'linear');
SELECT * FROM journey_attribution('[]', 'linear', '{purchase}', true);
SELECT * FROM journey_attribution('[]', 'position_based', '{purchase}', position_weights => '{0.5,0.5,0.5}');
SELECT * FROM journey_attribution('[]', 'time_decay', '{purchase}', half_life => '0 days');

-- Bootstrap intervals for any per-row credit: credit_bootstrap sums each
-- label's credit per sample with the unit's Poisson weights.  Three
-- samples here, so that the text form can be checked by hand: sample 0 (@0)
-- is the data (a: 1 + 0.25, b: 0.5 + 2); in sample 1 (@2) only unit 2
-- counts, once; in sample 2 (@4) every unit counts once; in sample 3 (@6)
-- unit 1 once, unit 2 twice and unit 3 not at all (a: 1 + 2 * 0.25,
-- b: 0.5).  Sums are in millionths; @-1 counts the rows.
CREATE TABLE cr (unit int, label text, credit float8);
INSERT INTO cr VALUES (1, 'a', 1), (1, 'b', 0.5), (2, 'a', 0.25), (3, 'b', 2), (3, 'c', 0), (4, NULL, 1), (NULL, 'a', 1);
SELECT credit_bootstrap(unit, label, credit, 3, 7) FROM cr;
SELECT * FROM credit_intervals((SELECT credit_bootstrap(unit, label, credit, 3, 7) FROM cr), 0.5);
-- On attribution: linear credit per channel with 95% intervals (200
-- samples); the credit column is SUM(credit) GROUP BY label.
SELECT label, rows, round(credit::numeric, 4) AS credit, round(share::numeric, 4) AS share
FROM credit_intervals((SELECT credit_bootstrap(j, a.label, a.credit)
					   FROM aj, journey_attribution(j, 'linear', '{purchase}') a));
SELECT * FROM credit_intervals((SELECT credit_bootstrap(unit, label, credit, 1, 7) FROM cr));
SELECT * FROM credit_intervals((SELECT credit_bootstrap(unit, label, credit) FROM cr), 1);
SELECT * FROM credit_intervals((SELECT path_counts(j) FROM aj));
DROP TABLE cr;

-- Heuristic attribution per label in one aggregate: attribution_counts sums
-- what journey_attribution credits, attribution_credits reads it.  On aj
-- (worked out above): conversion 1 (100) credits search, email, direct,
-- conversion 2 (50) social alone.  first_touch: search 1 (100), social 1
-- (50); last_touch: direct 1, social 1; last_non_direct: email 1, social 1;
-- linear: social 1 (50), then direct, email and search 1/3 each (33.33);
-- position_based: social 1, direct and search 0.4 (40), email 0.2 (20);
-- time_decay: social 1, then direct 1 / (1 + 2^(-1/7) + 2^(-2/7)) =
-- 0.3668, email 0.3323, search 0.3009.  Credit descending, then label
-- bytewise; share of all credit (2).
SELECT m AS model, r.label, r.conversions, r.touchpoints, round(r.credit::numeric, 6) AS credit,
	   round(r.value_credit::numeric, 4) AS value_credit, round(r.share::numeric, 6) AS share
FROM unnest('{first_touch,last_touch,last_non_direct,linear,position_based,time_decay}'::text[]) WITH ORDINALITY u(m, o),
	 LATERAL attribution_credits((SELECT attribution_counts(j, m, '{purchase}') FROM aj)) r
ORDER BY o;
-- The text form: total = conversions credited; per label @0 conversions,
-- @1 touchpoints, @2 and @3 the credit's whole part and fraction in 2^-40
-- (1/3 is 366503875925 / 2^40), @4 and @5 the value credit's
-- (33.33 = 33 + 366503875925 / 2^40).
SELECT attribution_counts(j, 'linear', '{purchase}') FROM aj;
-- it reads back as it prints
SELECT (SELECT array_agg(r) FROM attribution_credits(a::text::attribution_counts) r) = (SELECT array_agg(r) FROM attribution_credits(a) r) AS text_same
FROM (SELECT attribution_counts(j, 'linear', '{purchase}') a FROM aj) s;
-- A > A > B, converted, worth 30, linear: A twice (2/3, 20), B once (1/3, 10);
-- conversions counts the conversion once for A.
SELECT * FROM attribution_credits((SELECT attribution_counts('[2024-01-01 00:00:00+00 A, 2024-01-02 00:00:00+00 A, 2024-01-03 00:00:00+00 B]'::journey,
															 'linear', true, 30)));
-- Negative value credit; a journey that did not convert, a NULL journey, a
-- conversion with nothing before it count nowhere.
SELECT label, conversions, touchpoints, credit, value_credit
FROM attribution_credits((SELECT attribution_counts(j, 'first_touch', c, v)
						  FROM (VALUES ('[2024-01-01 00:00:00+00 A, 2024-01-02 00:00:00+00 B]'::journey, true, -8::float8),
									   ('[2024-01-01 00:00:00+00 B]', false, 5), (NULL, true, 5),
									   ('[2024-01-01 00:00:00+00 B, 2024-01-03 00:00:00+00 A]', true, 2)) t(j, c, v)));
SELECT count(*) FROM attribution_credits((SELECT attribution_counts(j, 'linear', '{purchase}')
										  FROM (VALUES ('[2024-01-01 00:00:00+00 purchase]'::journey), ('[2024-01-01 00:00:00+00 A]')) t(j)));
SELECT attribution_counts(j, 'linear', '{purchase}') IS NULL AS no_rows FROM aj WHERE false;
-- Every argument: since_previous false credits search, email, direct to
-- the second purchase too; lookback 2 days leaves it only social (and the
-- first purchase nothing); position weights and half-life as given.
SELECT label, conversions, touchpoints, round(credit::numeric, 6) AS credit
FROM attribution_credits((SELECT attribution_counts(j, 'linear', '{purchase}', NULL, NULL, NULL, false, '{direct}', '{0.4,0.2,0.4}', '7 days') FROM aj));
SELECT label, conversions, touchpoints, round(credit::numeric, 6) AS credit
FROM attribution_credits((SELECT attribution_counts(j, 'linear', '{purchase}', NULL, NULL, '2 days', false, '{direct}', '{0.4,0.2,0.4}', '7 days') FROM aj));
-- the same arguments as the short form's defaults make the same summary
SELECT attribution_counts(j, 'linear', '{purchase}', NULL, NULL, NULL, true, '{direct}', '{0.4,0.2,0.4}', '7 days')::text =
	   attribution_counts(j, 'linear', '{purchase}')::text AS same_as_defaults
FROM aj;
-- rolled up: two halves add up to the whole
SELECT attribution_counts_rollup(a)::text = (SELECT attribution_counts(j, 'linear', '{purchase}')::text FROM aj) AS rollup_same
FROM (SELECT attribution_counts(journey_slice(j, tstzrange(NULL, '2024-01-09'))::journey, 'linear', '{purchase}') AS a FROM aj
	  UNION ALL SELECT attribution_counts(journey_slice(j, tstzrange('2024-01-09', NULL)), 'linear', '{purchase}') FROM aj) s;

-- Bad arguments: as journey_attribution's.
SELECT attribution_counts(j, 'magic', '{purchase}') FROM aj;
SELECT attribution_counts(j, NULL, '{purchase}') FROM aj;
SELECT attribution_counts(j, 'linear', NULL::text[]) FROM aj;
SELECT attribution_counts(j, 'linear', NULL::boolean, 1) FROM aj;
SELECT attribution_counts(j, 'linear', '{purchase}', true, NULL, NULL, true, NULL, NULL, NULL) FROM aj;
SELECT attribution_counts(j, 'position_based', '{purchase}', NULL, NULL, NULL, true, NULL, '{0.5,0.5,0.5}', NULL) FROM aj;
SELECT attribution_counts(j, 'time_decay', '{purchase}', NULL, NULL, NULL, true, NULL, NULL, '0 days') FROM aj;
SELECT attribution_counts(j, 'linear', true, 'infinity') FROM aj;
SELECT attribution_counts_rollup(a) FROM (SELECT attribution_counts(j, 'linear', '{purchase}') a FROM aj
										  UNION ALL SELECT attribution_counts(j, 'first_touch', '{purchase}') FROM aj) s;
SELECT * FROM attribution_credits((SELECT path_counts(j) FROM aj)::attribution_counts);

DROP TABLE aj;
