-- ChannelAttribution's states counted two ways (issue 14 §4): the order-1
-- transitions of markov_window_counts (windows of the last touch, equal
-- consecutive windows one state; each purchase ends a path, the rest of a
-- journey after the last one ends in (null)) against the same counts in
-- plain SQL over each stored journey's touchpoints.  Run on a database
-- holding stored journeys sj(customer_id, j), e.g. built from the bench
-- events:  psql -f bench/markov-window.sql ; the last query must say
-- differ = 0.
set max_parallel_workers_per_gather=0;
\timing on
create temp table mk_ext as select from_state, to_state, transitions from markov_transitions((select markov_window_counts(j, '{purchase}', 1) from sj));
create temp table mk_sql as
with t as (
  select customer_id, u.ordinality as o, u.label, u.label = 'purchase' as conv,
         count(*) filter (where u.label = 'purchase') over (partition by customer_id order by u.ordinality rows between unbounded preceding and 1 preceding) as seg
  from sj, journey_unnest(j) u),
s as (  -- touches of a segment, repeats collapsed
  select customer_id, seg, o, label from (
    select customer_id, coalesce(seg, 0) seg, o, label, lag(label) over (partition by customer_id, coalesce(seg, 0) order by o) as prev
    from t where not conv) x
  where prev is distinct from label),
steps as (
  select customer_id, seg, coalesce(lag(label) over (partition by customer_id, seg order by o), '(start)') as f, label as t2
  from s),
lasts as (
  select customer_id, seg, label from (
    select customer_id, seg, label, row_number() over (partition by customer_id, seg order by o desc) as r from s) x
  where r = 1),
ends as (  -- each segment's end: a conversion, or (null) for the last non-empty segment without one
  select c.customer_id, c.seg, coalesce(l.label, '(start)') as f,
         case when c.converts then '(conversion)' else '(null)' end as t2
  from (select customer_id, coalesce(seg, 0) seg, bool_or(conv) converts, bool_or(not conv) touches from t group by 1, 2) c
  left join lasts l using (customer_id, seg)
  where c.converts or c.touches)
select f as from_state, t2 as to_state, count(*) as transitions from (select f, t2 from steps union all select f, t2 from ends) a group by 1, 2;
select count(*) as cells, count(*) filter (where e.transitions is distinct from q.transitions) as differ
from mk_ext e full join mk_sql q using (from_state, to_state);
