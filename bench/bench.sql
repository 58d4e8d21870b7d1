-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Helpers for bench/run.sh, created in the throwaway benchmark database:
-- result tables and functions that run one query under EXPLAIN ANALYZE and
-- pull times and memory figures out of the JSON plan.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- One row per execution; run 0 is the warm-up.  A run cancelled by
-- statement_timeout has timed_out set, ms = time until the cancel and no
-- plan.  A run that failed (only queries timed with catch = true, see
-- bench.time) has the error text, ms = time until the error and no plan.
CREATE TABLE bench.runs (
	size		text NOT NULL,
	section		text NOT NULL,
	name		text NOT NULL,
	run			int NOT NULL,
	ms			float8 NOT NULL,
	timed_out	bool NOT NULL,
	plan		jsonb,
	error		text
);

-- One row per memory probe: a fresh backend, one execution.
CREATE TABLE bench.memory (
	size		text NOT NULL,
	section		text NOT NULL,
	name		text NOT NULL,
	anon_kb		bigint NOT NULL,	-- peak RssAnon minus RssAnon before
	hwm_kb		bigint NOT NULL,	-- VmHWM minus VmRSS before
	plan		jsonb				-- NULL: cancelled by statement_timeout
);

CREATE TABLE bench.storage (
	size		text NOT NULL,
	ord			int NOT NULL,
	what		text NOT NULL,
	rows_		bigint NOT NULL,	-- stored rows (customers or events)
	touches		bigint NOT NULL,	-- touchpoints (= events) they hold
	column_bytes bigint,			-- sum(pg_column_size) of the value columns
	table_bytes bigint NOT NULL		-- pg_total_relation_size
);

-- Analytics sections: the tables built once per size before the timings
-- (stored journeys, identity links), with how long building took.
CREATE TABLE bench.builds (
	size		text NOT NULL,
	ord			int NOT NULL,
	what		text NOT NULL,
	tbl			text NOT NULL,
	rows_		bigint NOT NULL,
	ms			float8,				-- NULL: built by storage.sql
	bytes		bigint				-- pg_total_relation_size after VACUUM
);

-- Analytics sections: one untimed check per comparison that the journey
-- function and its plain-SQL baseline give the same answer.
CREATE TABLE bench.checks (
	size		text NOT NULL,
	section		text NOT NULL,
	ord			int NOT NULL,
	what		text NOT NULL,
	ok			bool,				-- NULL: not checked (see detail)
	detail		text NOT NULL
);

CREATE TABLE bench.sizes (
	size		text PRIMARY KEY,
	customers	bigint NOT NULL,
	events		bigint NOT NULL,
	events_bytes bigint NOT NULL,
	load_s		float8 NOT NULL
);

-- settings: 'name=value,name=value' applied with SET LOCAL semantics.
CREATE FUNCTION bench.apply(settings text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	kv text[];
BEGIN
	FOR kv IN SELECT regexp_match(s, '^\s*([^=]+?)\s*=\s*(.*?)\s*$')
			  FROM unnest(string_to_array(settings, ',')) s
			  WHERE s ~ '='
	LOOP
		PERFORM set_config(kv[1], kv[2], true);
	END LOOP;
END $$;

-- Runs query once under EXPLAIN (ANALYZE, TIMING OFF): the result rows are
-- produced (final functions run) but not sent to the client, and per-node
-- clock reads are off so instrumentation costs next to nothing.  Returns
-- the JSON plan, whose "Execution Time" is the figure we report, or NULL
-- if statement_timeout (set by the caller's session) cancelled it.
--
-- With catch, any other error is caught too and returned as
-- {"error": "SQLSTATE: message detail hint"} instead of aborting the
-- caller (the analytics sections use this: a Markov model with too many
-- states, say, is reported, not fatal).
CREATE FUNCTION bench.explain(query text, settings text DEFAULT '',
							  catch bool DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	plan json;
	detail text;
	hint text;
BEGIN
	PERFORM bench.apply(settings);
	BEGIN
		EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || query INTO plan;
	EXCEPTION
		WHEN query_canceled THEN
			RETURN NULL;
		WHEN OTHERS THEN
			IF NOT catch THEN
				RAISE;
			END IF;
			GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL,
				hint = PG_EXCEPTION_HINT;
			RETURN jsonb_build_object('error', SQLSTATE || ': ' || SQLERRM ||
				coalesce(' ' || nullif(detail, ''), '') ||
				coalesce(' ' || nullif(hint, ''), ''));
	END;
	RETURN plan::jsonb -> 0;
END $$;

-- Runs and records one execution; returns its time in ms, negative if it
-- was cancelled, NULL if it failed (only with catch; the error is in
-- bench.runs).
CREATE FUNCTION bench.time(size text, section text, name text, run int,
						   query text, settings text DEFAULT '',
						   catch bool DEFAULT false)
RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	p jsonb := bench.explain(query, settings, catch);
	ms float8 := coalesce((p ->> 'Execution Time')::float8,
		extract(epoch FROM clock_timestamp() - t0) * 1000);
	plan json;
BEGIN
	IF p ? 'error' THEN
		INSERT INTO bench.runs
			VALUES (size, section, name, run, ms, false, NULL, p ->> 'error');
		RETURN NULL;
	END IF;
	IF p IS NULL THEN
		-- keep at least the plan's shape for the report
		PERFORM bench.apply(settings);
		EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
		INSERT INTO bench.runs
			VALUES (size, section, name, run, ms, true, plan::jsonb -> 0);
		RETURN -ms;
	END IF;
	INSERT INTO bench.runs VALUES (size, section, name, run, ms, false, p);
	RETURN ms;
END $$;

-- Short name of a plan node.
CREATE FUNCTION bench.node_name(n jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN n ->> 'Partial Mode' IN ('Partial', 'Finalize')
				THEN (n ->> 'Partial Mode') || ' ' ELSE '' END ||
		CASE n ->> 'Node Type'
			WHEN 'Aggregate' THEN
				CASE n ->> 'Strategy' WHEN 'Hashed' THEN 'HashAgg'
					WHEN 'Sorted' THEN 'GroupAgg' ELSE 'Agg' END
			WHEN 'Seq Scan' THEN
				CASE WHEN (n ->> 'Parallel Aware')::bool THEN 'ParSeqScan'
					ELSE 'SeqScan' END
			ELSE replace(n ->> 'Node Type', ' ', '')
		END
$$;

-- Plan shape, top node first: 'GroupAgg < Sort < SeqScan'.
CREATE FUNCTION bench.shape(n jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF n ? 'Plan' THEN
		n := n -> 'Plan';
	END IF;
	IF n -> 'Plans' IS NULL THEN
		RETURN bench.node_name(n);
	END IF;
	RETURN bench.node_name(n) || ' < ' ||
		(SELECT string_agg(bench.shape(c), ', ') FROM jsonb_array_elements(n -> 'Plans') c);
END $$;

CREATE FUNCTION bench.mb(kb numeric) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN kb IS NULL THEN NULL
		WHEN kb < 10240 THEN round(kb / 1024.0, 1) || ' MB'
		ELSE round(kb / 1024.0) || ' MB' END
$$;

-- What the plan itself says about memory (leader process only): hash
-- aggregate peak memory, batches and spill, and sort space.
CREATE FUNCTION bench.plan_memory(p jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(string_agg(x, '; ' ORDER BY ord), '-')
	FROM (
		SELECT ord,
			CASE WHEN n ? 'Peak Memory Usage' THEN
				'hash ' || bench.mb((n ->> 'Peak Memory Usage')::numeric) ||
				CASE WHEN (n ->> 'HashAgg Batches')::int > 1 THEN
					', ' || (n ->> 'HashAgg Batches') || ' batches, ' ||
					bench.mb((n ->> 'Disk Usage')::numeric) || ' disk'
				ELSE '' END
			WHEN n ? 'Sort Space Used' THEN
				'sort ' || bench.mb((n ->> 'Sort Space Used')::numeric) ||
				CASE WHEN n ->> 'Sort Space Type' = 'Disk' THEN ' disk' ELSE '' END
			END AS x
		FROM jsonb_path_query(p, 'lax $.**') WITH ORDINALITY AS t(n, ord)
		WHERE jsonb_typeof(n) = 'object' AND n ? 'Node Type'
	) s
	WHERE x IS NOT NULL
$$;

-- a / b as 'N.NNx'; a_over / b_over: that figure is only a lower bound (its
-- query hit statement_timeout).
CREATE FUNCTION bench.ratio(a float8, a_over bool, b float8, b_over bool)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN a IS NULL OR b IS NULL OR b_over THEN '?'
		ELSE CASE WHEN a_over THEN '> ' ELSE '' END ||
			round((a / b)::numeric, 2) || 'x' END
$$;

-- Peers section: the checksum of every query's result (journey and plain
-- SQL here; DuckDB's from bench/duckdb/bench.mjs and ClickHouse's from
-- bench/clickhouse/bench.sh, with their best times), the
-- machine's load around the section, and which queries answer the same
-- question (report-peers.sql and measure.sh's check read them).
CREATE TABLE bench.checksums (
	size		text NOT NULL,
	name		text NOT NULL,		-- a query of measure.sh's peers section
	checksum	text NOT NULL		-- 'ERROR: ...' if computing it failed
);
CREATE TABLE bench.duckdb (
	size		text NOT NULL,
	name		text NOT NULL,		-- a query of bench/duckdb/bench.mjs
	ms			float8,				-- best timed run; NULL: it failed
	runs		int NOT NULL,
	checksum	text NOT NULL,		-- 'ERROR: ...' if it failed
	times		text				-- every timed run, ms
);
CREATE TABLE bench.clickhouse (
	size		text NOT NULL,
	name		text NOT NULL,		-- a query of bench/clickhouse/bench.sh
	ms			float8,				-- best timed run; NULL: it failed
	runs		int NOT NULL,
	checksum	text NOT NULL,		-- 'ERROR: ...' if it failed
	times		text				-- every timed run, ms
);
CREATE TABLE bench.peer_load (
	size		text NOT NULL,
	at			text NOT NULL,
	loadavg		text NOT NULL
);
-- One row per question: journey's query, the plain-SQL one (if any),
-- DuckDB's and ClickHouse's; all of a row's checksums must be equal.
CREATE TABLE bench.peer_rows (
	ord			int PRIMARY KEY,
	question	text NOT NULL,
	journey		text NOT NULL,
	plain		text,
	duckdb		text NOT NULL,
	clickhouse	text NOT NULL
);
INSERT INTO bench.peer_rows VALUES
	(1, 'floor: count(*) GROUP BY customer_id', 'count', NULL, 'count', 'count'),
	(2, 'build: journey_agg / count(*) floor / list_sort(list()), arraySort(groupArray())', 'journey_agg', 'count', 'list', 'list'),
	(3, 'sessions, stored (journey_session_count)', 'session_count', 'session_count_sql', 'sessions', 'sessions'),
	(4, 'funnel, stored (funnel_level)', 'funnel_level', NULL, 'funnel', 'funnel'),
	(5, 'top 20 paths, stored (top_paths)', 'top_paths', 'top_paths_sql', 'top_paths', 'top_paths'),
	(6, 'first touch, stored (attribution_counts)', 'attr_counts_first_touch', 'attr_first_touch_sql', 'first_touch', 'first_touch'),
	(7, 'last touch, stored', 'attr_counts_last_touch', 'attr_last_touch_sql', 'last_touch', 'last_touch'),
	(8, 'linear attribution, stored', 'attr_counts_linear', 'attr_linear_sql', 'linear', 'linear'),
	(9, 'monthly retention, stored (cohort_retention)', 'retention_stored', 'retention_sql', 'retention', 'retention'),
	(10, 'window_funnel over raw events', 'window_funnel', NULL, 'funnel', 'funnel'),
	(11, 'session_number over raw events, every row', 'session_number', 'session_lag_sum', 'session_number', 'session_number'),
	(12, 'retention() over raw events', 'retention_raw', 'retention_raw_sql', 'retention_raw', 'retention_raw');

-- Two checksums agree: the same text, or the same words but for numbers
-- printed to 6 decimals that differ by at most one unit of the last one
-- (sums of float8 credits in another order: at 10M, 28491.310985 against
-- 28491.310986).
CREATE FUNCTION bench.same_sum(a text, b text) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$
	SELECT a = b OR (
		cardinality(string_to_array(a, ' ')) = cardinality(string_to_array(b, ' ')) AND
		(SELECT bool_and(x = y OR (split_part(x, '=', 1) = split_part(y, '=', 1)
				AND split_part(x, '=', 2) ~ '^-?\d+\.\d{6}$' AND split_part(y, '=', 2) ~ '^-?\d+\.\d{6}$'
				AND abs(split_part(x, '=', 2)::numeric - split_part(y, '=', 2)::numeric) <= 0.000001))
		 FROM unnest(string_to_array(a, ' '), string_to_array(b, ' ')) u(x, y)))
$$;

-- Per question of one size: best times and whether every checksum agrees.
CREATE FUNCTION bench.peers(size text)
RETURNS TABLE (ord int, question text, journey_ms float8, plain_ms float8,
			   duckdb_ms float8, clickhouse_ms float8, journey_sum text, plain_sum text,
			   duckdb_sum text, clickhouse_sum text, same bool, journey_over bool, plain_over bool)
LANGUAGE sql STABLE AS $$
	WITH best AS (
		SELECT name, min(ms) FILTER (WHERE run > 0 AND NOT timed_out AND error IS NULL) AS ms,
			bool_or(timed_out) AS over	-- cancelled by statement_timeout
		FROM bench.runs r WHERE r.size = peers.size AND section = 'peers' GROUP BY name
	)
	SELECT p.ord, p.question, j.ms, b.ms, d.ms, c.ms, cj.checksum, cb.checksum, d.checksum, c.checksum,
		cj.checksum IS NOT NULL AND cj.checksum NOT LIKE 'ERROR%'
			AND bench.same_sum(cj.checksum, d.checksum)
			AND coalesce(bench.same_sum(cj.checksum, c.checksum), false)
			AND (p.plain IS NULL OR coalesce(bench.same_sum(cj.checksum, cb.checksum), false)),
		coalesce(j.over, false) AND j.ms IS NULL, coalesce(b.over, false) AND b.ms IS NULL
	FROM bench.peer_rows p
	LEFT JOIN best j ON j.name = p.journey
	LEFT JOIN best b ON b.name = p.plain
	LEFT JOIN bench.duckdb d ON d.size = peers.size AND d.name = p.duckdb
	LEFT JOIN bench.clickhouse c ON c.size = peers.size AND c.name = p.clickhouse
	LEFT JOIN bench.checksums cj ON cj.size = peers.size AND cj.name = p.journey
	LEFT JOIN bench.checksums cb ON cb.size = peers.size AND cb.name = p.plain
$$;
