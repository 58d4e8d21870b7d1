-- The memory budget (README, "Memory budget") on inputs built to exceed it:
-- each case runs in a fresh backend (\c) and then reads that backend's peak
-- resident memory (VmHWM, Linux) from /proc, which must stay well under
-- 256 MB of working memory plus the decoded arguments.
CREATE FUNCTION peak_mb() RETURNS bigint LANGUAGE sql AS
$$SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+) kB'))[1]::bigint / 1024$$;
-- top_paths on a crafted sketch: one 4096-byte label, every cell non-zero,
-- so row r is a path of r labels; each row's memory is freed once stored.
\c
SELECT count(*), max(length(path)), sum(cardinality(labels)) FROM top_paths(
  format('paths_sketch collapse=0 param=16 labels=("%s") total=1000 [%s]', repeat('x', 4096),
         (SELECT string_agg('1000 @' || i, ', ') FROM generate_series(0, 63) i))::path_counts, 300);
SELECT peak_mb() < 200 AS bounded;

DROP FUNCTION peak_mb();
