-- Catalogue checks: how every object of the extension is declared.
BEGIN;
SELECT plan(16);

CREATE TEMP VIEW ext_functions AS
SELECT p.oid, p.proname, p.prokind, p.proparallel, p.provolatile, p.proisstrict,
	   p.oid::regprocedure::text AS signature
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'journey';

SELECT cmp_ok((SELECT count(*) FROM ext_functions), '>=', 38::bigint, 'the extension has its functions');

SELECT is_empty($$SELECT signature FROM ext_functions WHERE proparallel <> 's'$$,
				'every function and aggregate is PARALLEL SAFE');
SELECT is_empty($$SELECT signature FROM ext_functions WHERE provolatile <> 'i'$$,
				'every function is IMMUTABLE (nothing depends on settings or time)');
-- What a trusted extension must not have: functions that run with their
-- owner's rights, and functions SQL could call with an internal argument
-- (only the STRICT binary input functions take one, as PostgreSQL's own).
SELECT is_empty($$SELECT signature FROM ext_functions f JOIN pg_proc p USING (oid) WHERE p.prosecdef$$,
				'no function is SECURITY DEFINER');
SELECT set_eq($$SELECT signature FROM ext_functions f JOIN pg_proc p USING (oid)
				WHERE 'internal'::regtype = ANY (p.proargtypes) OR p.prorettype = 'internal'::regtype$$,
			  $$SELECT t.typreceive::regprocedure::text FROM pg_type t
				JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
				JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'journey'$$,
			  'only the binary input functions take internal, and none returns it');
SELECT is_empty($$SELECT signature FROM ext_functions WHERE obj_description(oid, 'pg_proc') IS NULL$$,
				'every function and aggregate has a comment');

-- Every input parameter has a name, so that named notation works for every
-- plain function (aggregates take positional arguments, but \df shows the
-- names): all but type I/O and aggregate support.
SELECT is_empty($$SELECT signature FROM ext_functions f JOIN pg_proc p USING (oid)
				 WHERE p.pronargs > 0
				   AND (p.proargnames IS NULL OR '' = ANY (p.proargnames[1:p.pronargs]))
				   AND NOT EXISTS (SELECT FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
				   AND NOT EXISTS (SELECT FROM pg_aggregate a WHERE p.oid IN (a.aggtransfn, a.aggcombinefn, a.aggfinalfn))$$,
				'every parameter of every function and aggregate is named');

-- Functions that must see NULL arguments, and only those, are not STRICT:
-- the aggregates' transition and combine functions (they start from a NULL
-- state and skip NULL rows themselves), and these.
SELECT set_eq($$SELECT signature FROM ext_functions WHERE NOT proisstrict AND prokind = 'f'
				EXCEPT SELECT unnest(ARRAY[a.aggtransfn, a.aggcombinefn])::regprocedure::text
				FROM pg_aggregate a JOIN ext_functions f ON f.oid = a.aggfnoid$$,
			  ARRAY['journey_append(journey,timestamp with time zone,text)',
					'journey_append(journey,timestamp with time zone,text,double precision)',
					'journey_sessions(journey,interval,text[],text,interval)',
					'journey_session_count(journey,interval,text[],text,interval)',
					'identity_resolve(identity_graph,text[],text)',
					'identity_conflicts(identity_graph,text)',
					'pattern_match(journey,text,text[],interval)',
					'pattern_count(journey,text,text[],interval)',
					'pattern_positions(journey,text,text[],interval)',
					'funnel_level(journey,text[],interval,interval,text[],text[])',
					'funnel_timestamps(journey,text[],interval,interval,text[],text[])',
					'journey_attribution(journey,text,text[],boolean,double precision,interval,boolean,text[],double precision[],interval,boolean,boolean)'],
			  'only functions that handle NULL themselves are not STRICT');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_aggregate a JOIN ext_functions f ON f.oid = a.aggfnoid
				 JOIN pg_proc p ON p.oid IN (a.aggtransfn, a.aggcombinefn) WHERE p.proisstrict$$,
				'no transition or combine function is STRICT');

-- Every summary type has its rollup, and all but path_counts a checked cast
-- from path_counts (which held every kind before 0.4.0).
SELECT is_empty($$SELECT t.typname::text FROM pg_type t JOIN pg_proc o ON o.oid = t.typoutput
				 WHERE o.prosrc = 'path_counts_out' AND
					   (NOT EXISTS (SELECT FROM pg_proc r WHERE r.prokind = 'a' AND r.proname = t.typname || '_rollup'
									AND r.pronargs = 1 AND r.proargtypes[0] = t.oid) OR
						t.typname <> 'path_counts' AND NOT EXISTS (SELECT FROM pg_cast c
							WHERE c.castsource = 'path_counts'::regtype AND c.casttarget = t.oid))$$,
				'every summary type has a rollup and a cast from path_counts');
SELECT is((SELECT count(*)::int FROM pg_type t JOIN pg_proc o ON o.oid = t.typoutput WHERE o.prosrc = 'path_counts_out'), 16,
		  'sixteen summary types');

SELECT is_empty($$SELECT a.aggfnoid::regprocedure::text FROM pg_aggregate a JOIN ext_functions f ON f.oid = a.aggfnoid
				 WHERE a.aggcombinefn = 0 OR a.aggtranstype = 'internal'::regtype$$,
				'every aggregate has a combine function and a real state type');

SELECT is_empty($$SELECT o.oid::regoperator::text FROM pg_operator o
				 JOIN pg_depend d ON d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e'
				 JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'journey'
				 WHERE obj_description(o.oid, 'pg_operator') IS NULL$$,
				'every operator has a comment');
SELECT isnt(obj_description('journey'::regtype, 'pg_type'), NULL, 'the type has a comment');

SELECT set_eq($$SELECT am.amname::text FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod
			   WHERE c.opcintype = 'journey'::regtype AND c.opcdefault$$,
			  ARRAY['btree', 'hash'], 'default btree and hash operator classes');

-- The functions that read a stored journey per row declare what a call
-- costs (measured in bench/costs.sh, declared in 0.4.0), so that the planner
-- runs scans calling them in parallel workers; no other C function has a
-- COST above 1.
SELECT set_eq($$SELECT signature FROM ext_functions f JOIN pg_proc p USING (oid)
				WHERE p.procost > 1 AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')$$,
			  ARRAY['funnel_level(journey,text[],interval,interval,text[],text[])',
					'funnel_timestamps(journey,text[],interval,interval,text[],text[])',
					'journey_append(journey,timestamp with time zone,text)',
					'journey_append(journey,timestamp with time zone,text,double precision)',
					'journey_attribution(journey,text,text[],boolean,double precision,interval,boolean,text[],double precision[],interval,boolean,boolean)',
					'journey_collapse(journey)',
					'journey_contains_sequence(journey,text[])',
					'journey_dedup(journey)',
					'journey_drop(journey,text[])',
					'journey_duration(journey)',
					'journey_duration_seconds(journey)',
					'journey_first_occurrences(journey)',
					'journey_has_label(journey,text)',
					'journey_head(journey,integer)',
					'journey_label_at(journey,integer)',
					'journey_labels(journey)',
					'journey_length(journey)',
					'journey_map(journey,text[],text[])',
					'journey_merge(journey,journey)',
					'journey_path(journey,text,boolean)',
					'journey_session_count(journey,interval,text[],text,interval)',
					'journey_sessions(journey,interval,text[],text,interval)',
					'journey_slice(journey,integer,integer)',
					'journey_slice(journey,tstzrange)',
					'journey_stalled_since(journey,text,text,interval,timestamp with time zone)',
					'journey_tail(journey,integer)',
					'journey_time_at(journey,integer)',
					'journey_unnest(journey)',
					'journey_until(journey,text,boolean)',
					'journey_value_at(journey,integer)',
					'markov_conversion_probability(markov_counts,journey)',
					'markov_next_best(markov_counts,journey,text[])',
					'pattern_count(journey,text,text[],interval)',
					'pattern_match(journey,text,text[],interval)',
					'pattern_positions(journey,text,text[],interval)'],
			  'the per-row journey readers, and only they, have a COST above 1');

SELECT * FROM finish();
ROLLBACK;
