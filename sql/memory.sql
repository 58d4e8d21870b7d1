-- The memory budget (README, "Memory budget") on inputs built to exceed it:
-- each case runs in a fresh backend (\c) and then reads that backend's peak
-- resident memory (VmHWM, Linux) from /proc, which must stay well under
-- 256 MB of working memory plus the decoded arguments.
CREATE FUNCTION peak_mb() RETURNS bigint LANGUAGE sql AS
$$SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+) kB'))[1]::bigint / 1024$$;
CREATE TABLE mem_path AS
SELECT journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '1 second', repeat('x', 1000)) AS j
FROM generate_series(1, 1000000) i;
CREATE TABLE mem_shapley AS
SELECT shapley_counts(journey(ARRAY['2024-01-01 00:00:00+00'::timestamptz], ARRAY['c' || (i % 20)]), i % 3 = 0, 1) AS m
FROM generate_series(1, 1000) i;
CREATE TABLE mem_links AS
SELECT 'hub' AS a, 'crm:' || i AS b FROM generate_series(1, 4000) i
UNION ALL SELECT 'hub', 'cookie:' || i FROM generate_series(1, 4000) i;

-- top_paths on a crafted sketch: one 4096-byte label, every cell non-zero,
-- so row r is a path of r labels; each row's memory is freed once stored.
\c
SELECT count(*), max(length(path)), sum(cardinality(labels)) FROM top_paths(
  format('paths_sketch collapse=0 param=16 labels=("%s") total=1000 [%s]', repeat('x', 4096),
         (SELECT string_agg('1000 @' || i, ', ') FROM generate_series(0, 63) i))::path_counts, 300);
SELECT peak_mb() < 200 AS bounded;

-- exact Shapley intervals on 20 channels: two 2^20 arrays per sample, freed.
\c
SELECT count(*) FROM shapley_attribution_intervals((SELECT m FROM mem_shapley), 'exact', 30);
SELECT peak_mb() < 200 AS bounded;

-- a pattern of a million atoms is refused while it is parsed.
\c
SELECT pattern_match('[2024-01-01 00:00:00+00 a]', repeat('a ', 1000000));
SELECT peak_mb() < 200 AS bounded;

-- identity_conflicts: 4001 conflicted ids x 4000 known ids, row by row.
\c
SELECT count(*), sum(cardinality(known_ids)) FROM identity_conflicts((SELECT identity_links(a, b) FROM mem_links), 'crm:');
SELECT peak_mb() < 200 AS bounded;

-- journey_path refuses a path over 1 GB before building it.
\c
SELECT length(journey_path(j, repeat('-', 100), false)) FROM mem_path;
SELECT peak_mb() < 200 AS bounded;

DROP TABLE mem_path, mem_shapley, mem_links;
DROP FUNCTION peak_mb();
