-- Catalogue checks: how every object of the extension is declared.
BEGIN;
SELECT plan(11);

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
			  $$SELECT unnest('{journey_recv(internal),identity_graph_recv(internal),path_counts_recv(internal)}'::text[])$$,
			  'only the binary input functions take internal, and none returns it');
SELECT is_empty($$SELECT signature FROM ext_functions WHERE obj_description(oid, 'pg_proc') IS NULL$$,
				'every function and aggregate has a comment');

-- Functions that must see NULL arguments, and only those, are not STRICT.
SELECT set_eq($$SELECT signature FROM ext_functions WHERE NOT proisstrict AND prokind = 'f'$$,
			  ARRAY['journey_append(journey,timestamp with time zone,text)',
					'journey_append(journey,timestamp with time zone,text,double precision)',
					'journey_agg_transfn(journey,timestamp with time zone,text)',
					'journey_agg_transfn(journey,timestamp with time zone,text,double precision)',
					'journey_agg_combine(journey,journey)',
					'journey_sessions(journey,interval,text[],text,interval)',
					'journey_session_count(journey,interval,text[],text,interval)',
					'identity_links_transfn(identity_graph,text,text)',
					'identity_links_combine(identity_graph,identity_graph)',
					'identity_resolve(identity_graph,text[],text)',
					'identity_conflicts(identity_graph,text)',
					'path_counts_transfn(path_counts,journey)',
					'path_counts_transfn(path_counts,journey,boolean)',
					'transition_counts_transfn(path_counts,journey)',
					'transition_counts_transfn(path_counts,journey,boolean)',
					'ngram_counts_transfn(path_counts,journey,integer)',
					'ngram_counts_transfn(path_counts,journey,integer,boolean)',
					'step_counts_transfn(path_counts,journey,text,integer)',
					'step_counts_transfn(path_counts,journey,text,integer,boolean)',
					'flow_counts_transfn(path_counts,journey,integer)',
					'flow_counts_transfn(path_counts,journey,integer,text)',
					'flow_counts_transfn(path_counts,journey,integer,text,boolean)',
					'funnel_counts_transfn(path_counts,journey,text[],interval)',
					'funnel_counts_transfn(path_counts,journey,text[],interval,interval,text[],text[])',
					'retention_counts_transfn(path_counts,journey,interval)',
					'health_counts_transfn(path_counts,journey)',
					'retention_transfn(boolean[],boolean[])',
					'window_funnel_transfn(journey,interval,timestamp with time zone,boolean[])',
					'window_funnel_transfn(journey,interval,text[],timestamp with time zone,boolean[])',
					'window_funnel_combine(journey,journey)',
					'pattern_match(journey,text,text[],interval)',
					'pattern_count(journey,text,text[],interval)',
					'pattern_positions(journey,text,text[],interval)',
					'retention_combine(boolean[],boolean[])',
					'health_counts_transfn(path_counts,journey,interval)',
					'path_sketch_transfn(path_counts,journey,integer)',
					'path_sketch_transfn(path_counts,journey,integer,boolean)',
					'markov_counts_transfn(path_counts,journey,boolean,double precision,integer)',
					'markov_counts_transfn(path_counts,journey,text[],integer)',
					'shapley_counts_transfn(path_counts,journey,boolean,double precision)',
					'shapley_counts_transfn(path_counts,journey,text[])',
					'path_counts_combine(path_counts,path_counts)',
					'credit_bootstrap_transfn(path_counts,anyelement,text,double precision)',
					'credit_bootstrap_transfn(path_counts,anyelement,text,double precision,integer,bigint)',
					'credit_bootstrap_transfn(path_counts,bigint,text,double precision)',
					'credit_bootstrap_transfn(path_counts,bigint,text,double precision,integer,bigint)',
					'credit_bootstrap_transfn(path_counts,integer,text,double precision)',
					'credit_bootstrap_transfn(path_counts,integer,text,double precision,integer,bigint)',
					'credit_bootstrap_transfn(path_counts,smallint,text,double precision)',
					'credit_bootstrap_transfn(path_counts,smallint,text,double precision,integer,bigint)',
					'credit_bootstrap_transfn(path_counts,text,text,double precision)',
					'credit_bootstrap_transfn(path_counts,text,text,double precision,integer,bigint)',
					'credit_bootstrap_transfn(path_counts,uuid,text,double precision)',
					'credit_bootstrap_transfn(path_counts,uuid,text,double precision,integer,bigint)',
					'funnel_level(journey,text[],interval,interval,text[],text[])',
					'funnel_timestamps(journey,text[],interval,interval,text[],text[])',
					'journey_attribution(journey,text,text[],boolean,double precision,interval,boolean,text[],double precision[],interval,boolean,boolean)'],
			  'only functions that handle NULL themselves are not STRICT');

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

SELECT * FROM finish();
ROLLBACK;
