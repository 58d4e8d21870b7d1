-- Pattern matching: properties against plain SQL, limits and bad input.
BEGIN;
SELECT plan(15);

\ir random_journeys.psql
SELECT pg_temp.random_journeys('rj', 0.21, 400, ARRAY['A', 'B', 'C', 'X'], 1e5, 12);
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

-- A repeated group that can match empty: an iteration consuming nothing
-- ends the loop, as in Perl and Python (b a b: "b", then "a b").
SELECT is(pattern_count('[2024-01-01 00:00:00+00 b, 2024-01-01 00:01:00+00 a, 2024-01-01 00:02:00+00 b]', '(a? | .)+ b'), 2,
		  '(a? | .)+ b matches twice in b a b');
SELECT is(pattern_positions('[2024-01-01 00:00:00+00 b, 2024-01-01 00:01:00+00 a, 2024-01-01 00:02:00+00 b]', '(a? | .)+ b'), '{1}'::int[],
		  '(a? | .)+ b first matches the first b alone');

-- A leftmost-first backtracking reference (as Perl and Python match):
-- ref_match(stack, pos, subject) matches the frames of stack (a jsonb
-- array of pattern nodes, innermost first) from pos, and gives the end of
-- the match followed by the ordinalities of the labelled touchpoints it
-- matched, or NULL.  An iteration of a loop beyond its minimum that
-- consumes nothing ends the loop (the "loop" frame records where the
-- iteration began).
CREATE FUNCTION ref_match(stack jsonb, pos int, subj text[]) RETURNS int[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	f jsonb := stack -> 0;
	rest jsonb := stack - 0;
	r int[];
	c jsonb;
BEGIN
	IF f IS NULL THEN
		RETURN ARRAY[pos];
	END IF;
	CASE f ->> 't'
		WHEN 'lab' THEN
			IF pos < coalesce(cardinality(subj), 0) AND subj[pos + 1] = f ->> 'v' THEN
				r := ref_match(rest, pos + 1, subj);
				RETURN CASE WHEN r IS NOT NULL THEN ARRAY[r[1], pos + 1] || r[2:] END;
			END IF;
			RETURN NULL;
		WHEN 'any' THEN
			IF pos < coalesce(cardinality(subj), 0) THEN
				RETURN ref_match(rest, pos + 1, subj);
			END IF;
			RETURN NULL;
		WHEN 'seq' THEN
			RETURN ref_match((f -> 'c') || rest, pos, subj);
		WHEN 'alt' THEN
			FOR c IN SELECT x FROM jsonb_array_elements(f -> 'c') WITH ORDINALITY e(x, o) ORDER BY o LOOP
				r := ref_match(jsonb_build_array(c) || rest, pos, subj);
				IF r IS NOT NULL THEN
					RETURN r;
				END IF;
			END LOOP;
			RETURN NULL;
		WHEN 'opt' THEN
			RETURN coalesce(ref_match(jsonb_build_array(f -> 'c') || rest, pos, subj), ref_match(rest, pos, subj));
		WHEN 'plus' THEN
			RETURN ref_match(jsonb_build_array(f -> 'c', jsonb_build_object('t', 'star', 'c', f -> 'c')) || rest, pos, subj);
		WHEN 'star' THEN
			RETURN coalesce(ref_match(jsonb_build_array(f -> 'c', jsonb_build_object('t', 'loop', 'c', f -> 'c', 'from', pos)) || rest, pos, subj),
							ref_match(rest, pos, subj));
		WHEN 'loop' THEN
			IF pos = (f ->> 'from')::int THEN
				RETURN ref_match(rest, pos, subj);	-- an empty iteration ends the loop
			END IF;
			RETURN ref_match(jsonb_build_array(jsonb_build_object('t', 'star', 'c', f -> 'c')) || rest, pos, subj);
		WHEN 'rep' THEN
			-- {min,max}: the first min copies as they come, then up to
			-- max - min more, ended by one that consumes nothing
			IF (f ->> 'min')::int > 0 THEN
				RETURN ref_match(jsonb_build_array(f -> 'c', f || jsonb_build_object('min', (f ->> 'min')::int - 1, 'max', (f ->> 'max')::int - 1)) || rest, pos, subj);
			ELSIF (f ->> 'max')::int > 0 THEN
				RETURN coalesce(ref_match(jsonb_build_array(f -> 'c', f || jsonb_build_object('t', 'repnext', 'from', pos)) || rest, pos, subj),
								ref_match(rest, pos, subj));
			END IF;
			RETURN ref_match(rest, pos, subj);
		WHEN 'repnext' THEN
			IF pos = (f ->> 'from')::int THEN
				RETURN ref_match(rest, pos, subj);
			END IF;
			RETURN ref_match(jsonb_build_array(f || jsonb_build_object('t', 'rep', 'max', (f ->> 'max')::int - 1)) || rest, pos, subj);
	END CASE;
END $$;

-- Non-overlapping leftmost matches: their number, and the labelled
-- ordinalities of the first.
CREATE FUNCTION ref_matches(ast jsonb, subj text[], OUT n int, OUT first int[])
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	from_pos int := 0;
	s int;
	r int[];
	found boolean;
BEGIN
	n := 0;
	LOOP
		found := false;
		FOR s IN from_pos .. coalesce(cardinality(subj), 0) - 1 LOOP
			r := ref_match(jsonb_build_array(ast), s, subj);
			IF r IS NOT NULL THEN
				n := n + 1;
				IF n = 1 THEN first := coalesce(r[2:], '{}'); END IF;
				from_pos := r[1];
				found := true;
				EXIT;
			END IF;
		END LOOP;
		EXIT WHEN NOT found;
	END LOOP;
END $$;

-- A random pattern from md5 of seed: its text and its tree.
CREATE FUNCTION ref_pattern(seed text, depth int DEFAULT 0, OUT pat text, OUT ast jsonb)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	h int := ('x' || substr(md5(seed), 1, 7))::bit(28)::int;
	a record;
	b record;
	k int := CASE WHEN depth >= 2 THEN h % 3 ELSE h % 11 END;
	lab text := (ARRAY['a', 'b', 'c', '.'])[1 + (h >> 8) % 4];
BEGIN
	IF k < 3 THEN
		pat := lab;
		ast := CASE WHEN lab = '.' THEN '{"t": "any"}' ELSE jsonb_build_object('t', 'lab', 'v', lab) END;
		RETURN;
	END IF;
	a := ref_pattern(seed || 'l', depth + 1);
	b := ref_pattern(seed || 'r', depth + 1);
	CASE k
		WHEN 3 THEN pat := a.pat || ' ' || b.pat; ast := jsonb_build_object('t', 'seq', 'c', jsonb_build_array(a.ast, b.ast));
		WHEN 4 THEN pat := '(' || a.pat || ' | ' || b.pat || ')'; ast := jsonb_build_object('t', 'alt', 'c', jsonb_build_array(a.ast, b.ast));
		WHEN 5 THEN pat := '(' || a.pat || ')*'; ast := jsonb_build_object('t', 'star', 'c', a.ast);
		WHEN 6 THEN pat := '(' || a.pat || ')+'; ast := jsonb_build_object('t', 'plus', 'c', a.ast);
		WHEN 7 THEN pat := '(' || a.pat || ')?'; ast := jsonb_build_object('t', 'opt', 'c', a.ast);
		WHEN 9 THEN pat := '(' || a.pat || '){0,2}'; ast := jsonb_build_object('t', 'rep', 'c', a.ast, 'min', 0, 'max', 2);
		WHEN 10 THEN pat := '(' || a.pat || ' | (' || b.pat || ')?){1,3}';
			ast := jsonb_build_object('t', 'rep', 'c', jsonb_build_object('t', 'alt', 'c', jsonb_build_array(a.ast, jsonb_build_object('t', 'opt', 'c', b.ast))), 'min', 1, 'max', 3);
		ELSE pat := '(' || a.pat || ' | (' || b.pat || ')?)*'; ast := jsonb_build_object('t', 'star', 'c', jsonb_build_object('t', 'alt', 'c', jsonb_build_array(a.ast, jsonb_build_object('t', 'opt', 'c', b.ast))));
	END CASE;
END $$;

-- 600 cases: a random pattern ending in a label (so no match is empty)
-- and a random journey of up to 6 touchpoints over a, b, c.
CREATE TEMP TABLE ref_cases AS
SELECT g, p.pat || ' ' || (ARRAY['a', 'b', 'c'])[1 + g % 3] AS pat,
	   jsonb_build_object('t', 'seq', 'c', jsonb_build_array(p.ast, jsonb_build_object('t', 'lab', 'v', (ARRAY['a', 'b', 'c'])[1 + g % 3]))) AS ast,
	   (SELECT coalesce(array_agg((ARRAY['a', 'b', 'c'])[1 + ('x' || substr(md5(g || '/' || i), 1, 7))::bit(28)::int % 3] ORDER BY i), '{}')
		FROM generate_series(1, g % 6) i) AS subj
FROM generate_series(1, 600) g, ref_pattern('p' || g) p;
CREATE TEMP TABLE ref_results AS
SELECT c.*, r.n AS ref_n, r.first AS ref_first,
	   pattern_count(j, c.pat) AS n, pattern_positions(j, c.pat) AS first
FROM ref_cases c,
	 LATERAL (SELECT coalesce(journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '1 minute', c.subj[i]), '[]') AS j
			  FROM generate_series(1, cardinality(c.subj)) i) jj,
	 ref_matches(c.ast, c.subj) r;

SELECT ok((SELECT count(*) FILTER (WHERE pat ~ '[*+]') > 200 AND count(*) FILTER (WHERE pat ~ '[{]') > 50 AND count(DISTINCT ref_n) >= 3 FROM ref_results),
		  'the random patterns have loops and match various numbers of times');
SELECT is((SELECT count(*) FROM ref_results WHERE n <> ref_n), 0::bigint,
		  'pattern_count equals a backtracking reference on 600 random patterns (with * + ? {n,m}) and journeys');
SELECT is((SELECT count(*) FROM ref_results WHERE first IS DISTINCT FROM (CASE WHEN ref_n > 0 THEN ref_first END)), 0::bigint,
		  'pattern_positions equals the backtracking reference''s first match');

SELECT * FROM finish();
ROLLBACK;
