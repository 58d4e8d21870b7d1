/* journey 0.4.0 to 0.5.0: analyses built on the typed summaries.

   Adds summaries, and modes of the funnel functions, that nothing stored
   before this version uses: every value stored under 0.4.0 keeps its
   meaning, and no object of 0.4.0 is dropped. */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.5.0'" to load this file. \quit

-- strict_once, a mode of window_funnel, funnel_level and funnel_counts
-- (bit 32 of a stored funnel definition)
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean[]) IS 'ClickHouse windowFunnel with modes (strict_deduplication, strict_order, strict_increase, allow_reentry, strict_once)';
